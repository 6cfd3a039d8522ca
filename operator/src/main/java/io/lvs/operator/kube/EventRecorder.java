package io.lvs.operator.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Emits core/v1 Events about lvs.io objects (what {@code kubectl describe} shows). A repeat of the same event on the
 * same object within an hour increments its count instead of creating another object, as kubelet does.
 */
@ApplicationScoped
public class EventRecorder {
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    private static final String COMPONENT = "lvs-operator";
    private static final int REMEMBERED = 2048;

    private final KubernetesClient client;
    /** Recent events by (object uid, type, reason, message), oldest first. */
    private final Map<String, Remembered> recent = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
            return size() > REMEMBERED;
        }
    };

    public EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    public void normal(HasMetadata about, String reason, String message) {
        record(about, NORMAL, reason, message);
    }

    public void warning(HasMetadata about, String reason, String message) {
        record(about, WARNING, reason, message);
    }

    /**
     * Records an event; failures are logged, never thrown (events are best effort). Only the memory of recent events is
     * locked, never an HTTP call, so reconcilers do not queue behind one another's events. A repeat is a merge patch of
     * count and lastTimestamp, sent on the remembered event's name alone: a patch through {@code withName} would GET
     * the event first, and the operator may create and patch events, not read them (a real server refuses the GET).
     */
    public void record(HasMetadata about, String type, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String key = about.getMetadata().getUid() + "|" + type + "|" + reason + "|" + message;
        String ns = about.getMetadata().getNamespace() == null ? "default" : about.getMetadata().getNamespace();
        Remembered previous;
        synchronized (recent) {
            previous = recent.get(key);
            if (previous != null && previous.last().isAfter(Instant.now().minusSeconds(3600))) {
                recent.put(key, new Remembered(previous.name(), previous.count() + 1, Instant.parse(now)));
            } else {
                previous = null;
            }
        }
        try {
            if (previous != null) {
                Event named = new EventBuilder().withNewMetadata().withNamespace(ns).withName(previous.name())
                        .endMetadata().build();
                client.v1().events().inNamespace(ns).resource(named).patch(
                        PatchContext.of(PatchType.JSON_MERGE), "{\"count\":" + (previous.count() + 1)
                                + ",\"lastTimestamp\":\"" + now + "\"}");
                return;
            }
            String name = about.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8);
            Event e = new EventBuilder()
                    .withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(about.getApiVersion())
                            .withKind(about.getKind()).withNamespace(about.getMetadata().getNamespace())
                            .withName(about.getMetadata().getName()).withUid(about.getMetadata().getUid())
                            .withResourceVersion(about.getMetadata().getResourceVersion()).build())
                    .withType(type).withReason(reason).withMessage(message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent(COMPONENT)
                    .build();
            client.v1().events().inNamespace(ns).resource(e).create();
            synchronized (recent) {
                recent.put(key, new Remembered(name, 1, Instant.parse(now)));
            }
        } catch (KubernetesClientException | IllegalArgumentException e) {
            LOG.warnf("could not record event %s/%s on %s/%s: %s", type, reason, ns, about.getMetadata().getName(),
                    e.getMessage());
            synchronized (recent) {
                recent.remove(key);
            }
        }
    }

    /** An event this recorder created: its name, how often it happened, when last. */
    private record Remembered(String name, int count, Instant last) {
    }
}
