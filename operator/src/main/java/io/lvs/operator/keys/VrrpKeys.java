package io.lvs.operator.keys;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.lvs.operator.OperatorConfig;
import io.lvs.operator.agent.AgentWatch;
import io.lvs.operator.kube.EventRecorder;
import io.lvs.operator.model.KeyRotation;
import io.lvs.operator.model.KeyRotation.Decision;
import io.lvs.operator.model.KeyRotation.Phase;
import io.lvs.operator.model.KeyRotation.State;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Keeps the directors' VRRP advert keys: fills the key Secret the agents mount (the chart creates it empty; the operator
 * never creates one, as it may not create Secrets, which could mint service-account tokens) and rotates its key
 * every {@code lvs.vrrp-keys.rotation} in the three steps of {@link KeyRotation}, each only once every live agent
 * reports (on its Lease) that it holds the previous one, so a rotation never causes a failover. Runs on the leader
 * only: {@link io.lvs.operator.kube.LeaderElection} starts it when this replica starts leading. A Secret the user brings (the chart's {@code agent.election.keySecret}) is not configured here and never
 * touched.
 */
@ApplicationScoped
public class VrrpKeys {
    private static final Logger LOG = Logger.getLogger(VrrpKeys.class);
    /** Annotations on the Secret: the rotation's phase and when it was written. */
    public static final String PHASE_ANNOTATION = "lvs.io/vrrp-key-rotation-phase";
    public static final String SINCE_ANNOTATION = "lvs.io/vrrp-key-rotation-since";
    /** The Secret's key the agents' key file is projected from. */
    public static final String DATA_KEY = "keys";
    /** How often the Secret and the agents' reports are looked at: every 5 s, or each minStep when shorter. */
    private static final Duration MAX_TICK = Duration.ofSeconds(5);

    private final KubernetesClient client;
    private final OperatorConfig config;
    private final AgentWatch agents;
    private final EventRecorder events;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong writes = new AtomicLong();
    private ScheduledExecutorService timer;
    private String lastWait = "";

    public VrrpKeys(KubernetesClient client, OperatorConfig config, AgentWatch agents, EventRecorder events) {
        this.client = client;
        this.config = config;
        this.agents = agents;
        this.events = events;
    }

    /** Starts keeping the keys (once), when a Secret is configured: called when this replica starts leading. */
    public synchronized void start() {
        if (timer != null || config.vrrpKeys().secret().isEmpty()) {
            return;
        }
        agents.start(); // running already on every replica (the controllers' event sources start it); idempotent
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("vrrp-keys").factory());
        long tick = Math.max(200, Math.min(MAX_TICK.toMillis(), config.vrrpKeys().minStep().toMillis()));
        timer.scheduleWithFixedDelay(this::tick, 0, tick, TimeUnit.MILLISECONDS);
        LOG.infof("keeping the VRRP advert keys in Secret %s/%s (rotation every %s)", namespace(),
                config.vrrpKeys().secret().get(), text(config.vrrpKeys().rotation()));
    }

    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    /** Secret updates written since the start. */
    public long writes() {
        return writes.get();
    }

    private String namespace() {
        return agents.namespace();
    }

    void tick() {
        try {
            step(Instant.now());
        } catch (RuntimeException e) {
            LOG.warnf("keeping the VRRP keys: %s (trying again shortly)", e.getMessage());
        }
    }

    private void step(Instant now) {
        String name = config.vrrpKeys().secret().orElseThrow();
        Optional<Map<String, List<Integer>>> reported = agents.keyIds(now);
        if (reported.isEmpty()) {
            return; // the agents' Leases are not listed yet: nobody's keys are known
        }
        Secret secret = client.secrets().inNamespace(namespace()).withName(name).get();
        if (secret == null) {
            waiting("the key Secret " + namespace() + "/" + name + " does not exist: the chart creates it empty (helm "
                    + "upgrade puts it back), or create it empty (kubectl -n " + namespace() + " create secret generic "
                    + name + "); the operator fills and rotates it, and may not create Secrets");
            return;
        }
        Optional<State> current;
        try {
            // the chart's empty placeholder (no key yet, never rotated) is filled like a missing Secret
            current = placeholder(secret) ? Optional.empty() : Optional.of(state(secret, now));
        } catch (IllegalArgumentException e) {
            String why = "the VRRP key Secret " + namespace() + "/" + name + " cannot be read (" + e.getMessage()
                    + "); it is left as it is and not rotated until it is fixed";
            if (!why.equals(lastWait)) {
                events.warning(secret, "VrrpKeysUnreadable", why);
            }
            waiting(why);
            return;
        }
        if (current.isPresent() && !annotated(secret)) {
            Secret written = write(secret, name, current.get());
            writes.incrementAndGet();
            String why = "adopted the existing keys " + current.get().ids() + (config.vrrpKeys().rotation().isZero()
                    ? "; rotation is off" : "; the next rotation starts in " + text(config.vrrpKeys().rotation()));
            LOG.infof("VRRP keys in %s/%s: %s", namespace(), name, why);
            events.normal(written, "VrrpKeyRotation", why);
            return;
        }
        Decision d = KeyRotation.next(current, reported.get(), now, config.vrrpKeys().rotation(),
                config.vrrpKeys().minStep(), this::secretBytes);
        if (d instanceof KeyRotation.Wait w) {
            w.why().ifPresentOrElse(this::waiting, () -> lastWait = "");
            return;
        }
        KeyRotation.Write write = (KeyRotation.Write) d;
        Secret written = write(secret, name, write.state());
        writes.incrementAndGet();
        lastWait = "";
        LOG.infof("VRRP keys in %s/%s: %s", namespace(), name, write.why());
        events.normal(written, "VrrpKeyRotation", write.why());
    }

    private Secret write(Secret existing, String name, State s) {
        Map<String, String> data = Map.of(DATA_KEY,
                Base64.getEncoder().encodeToString(s.text().getBytes(StandardCharsets.UTF_8)));
        Map<String, String> annotations = Map.of(PHASE_ANNOTATION, s.phase().name(), SINCE_ANNOTATION,
                s.since().toString());
        Map<String, String> a = new HashMap<>(Objects.requireNonNullElse(existing.getMetadata().getAnnotations(), Map.of()));
        a.putAll(annotations);
        existing.getMetadata().setAnnotations(a);
        Map<String, String> d = new HashMap<>(Objects.requireNonNullElse(existing.getData(), Map.of()));
        d.putAll(data);
        existing.setData(d);
        existing.setStringData(null);
        try {
            return client.secrets().inNamespace(namespace()).resource(existing).update(); // by resourceVersion
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                throw new IllegalStateException("the key Secret changed while it was being written; reading it again");
            }
            throw e;
        }
    }

    /** The Secret the chart creates for the operator to fill: no keys, no rotation annotations. */
    private static boolean placeholder(Secret s) {
        return (s.getData() == null || !s.getData().containsKey(DATA_KEY)) && !annotated(s);
    }

    private static boolean annotated(Secret s) {
        Map<String, String> a = s.getMetadata().getAnnotations();
        return a != null && a.containsKey(PHASE_ANNOTATION) && a.containsKey(SINCE_ANNOTATION);
    }

    /** The Secret's rotation state; one without the annotations (the chart's, from before) is stable from now. */
    static State state(Secret s, Instant now) {
        String encoded = s.getData() == null ? null : s.getData().get(DATA_KEY);
        if (encoded == null) {
            throw new IllegalArgumentException("it has no '" + DATA_KEY + "' entry");
        }
        List<KeyRotation.Key> keys = KeyRotation.parse(new String(Base64.getMimeDecoder().decode(encoded),
                StandardCharsets.UTF_8));
        Map<String, String> a = Objects.requireNonNullElse(s.getMetadata().getAnnotations(), Map.of());
        String phase = a.get(PHASE_ANNOTATION);
        String since = a.get(SINCE_ANNOTATION);
        if (phase == null || since == null) {
            return new State(keys, Phase.STABLE, now);
        }
        try {
            return new State(keys, Phase.valueOf(phase), Instant.parse(since));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalArgumentException("its annotations " + PHASE_ANNOTATION + "=" + phase + ", "
                    + SINCE_ANNOTATION + "=" + since + " are not a phase and a time");
        }
    }

    /** "720h", "1m30s": a duration as the chart's values write it. */
    static String text(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    private byte[] secretBytes() {
        byte[] b = new byte[KeyRotation.SECRET_BYTES];
        random.nextBytes(b);
        return b;
    }

    /** Logs what a rotation waits for, once per distinct reason. */
    private void waiting(String why) {
        if (!why.equals(lastWait)) {
            lastWait = why;
            LOG.info("VRRP keys: " + why);
        }
    }
}
