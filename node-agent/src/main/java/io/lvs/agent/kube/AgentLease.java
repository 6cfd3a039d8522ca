package io.lvs.agent.kube;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.lvs.api.v1alpha1.AgentLeases;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews this agent's Lease ({@link AgentLeases}) every {@link AgentLeases#RENEW_INTERVAL}, as kubelets renew their
 * node Leases: while it is current, the operator believes this node's NodeReports. The only periodic write an agent
 * makes (six a minute, whatever the number of VirtualServices). It also carries the ids of the advert keys this node
 * holds ({@link AgentLeases#KEY_IDS_ANNOTATION}), so that the operator moves a key rotation on only once every
 * director has the previous step; a change of them is written within a second, not at the next renewal.
 */
public final class AgentLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLease.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String nodeName;
    private final Clock clock;
    private final Supplier<List<Integer>> keyIds;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("lvs-agent-lease").factory());
    private final AtomicLong renewals = new AtomicLong();
    private volatile boolean ok;
    private volatile List<Integer> writtenKeyIds;

    /** {@code keyIds}: the advert keys this node holds, signing first (empty when the election uses none). */
    public AgentLease(KubernetesClient client, String namespace, String nodeName, Clock clock,
                      Supplier<List<Integer>> keyIds) {
        this.client = client;
        this.namespace = namespace;
        this.nodeName = nodeName;
        this.clock = clock;
        this.keyIds = keyIds;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::renew, 0, AgentLeases.RENEW_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        // new key ids are told at once rather than at the next renewal: a key rotation waits for them
        timer.scheduleWithFixedDelay(() -> {
            if (writtenKeyIds != null && !writtenKeyIds.equals(keyIds.get())) {
                renew();
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /** Whether the last renewal succeeded. */
    public boolean ok() {
        return ok;
    }

    public long renewals() {
        return renewals.get();
    }

    void renew() {
        String name = AgentLeases.name(nodeName);
        ZonedDateTime now = ZonedDateTime.ofInstant(clock.instant().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
        try {
            Lease current = client.leases().inNamespace(namespace).withName(name).get();
            List<Integer> ids = keyIds.get();
            Map<String, String> annotations = ids.isEmpty() ? Map.of()
                    : Map.of(AgentLeases.KEY_IDS_ANNOTATION, AgentLeases.keyIds(ids));
            if (current == null) {
                client.leases().inNamespace(namespace).resource(new LeaseBuilder().withNewMetadata().withName(name)
                        .withNamespace(namespace).withLabels(AgentLeases.labels(nodeName)).withAnnotations(annotations)
                        .endMetadata()
                        .withNewSpec().withHolderIdentity(nodeName)
                        .withLeaseDurationSeconds((int) AgentLeases.DURATION.toSeconds())
                        .withAcquireTime(now).withRenewTime(now).endSpec().build()).create();
            } else {
                Map<String, String> a = new HashMap<>(Objects.requireNonNullElse(current.getMetadata().getAnnotations(),
                        Map.of()));
                a.remove(AgentLeases.KEY_IDS_ANNOTATION);
                a.putAll(annotations);
                current.getMetadata().setAnnotations(a);
                current.getSpec().setHolderIdentity(nodeName);
                current.getSpec().setLeaseDurationSeconds((int) AgentLeases.DURATION.toSeconds());
                current.getSpec().setRenewTime(now);
                client.leases().inNamespace(namespace).resource(current).update();
            }
            renewals.incrementAndGet();
            writtenKeyIds = ids;
            ok = true;
        } catch (KubernetesClientException e) {
            ok = false;
            LOG.warn("renewing Lease {}/{} failed (next try in {}s): {}", namespace, name,
                    AgentLeases.RENEW_INTERVAL.toSeconds(), e.getMessage());
        }
    }

    /** Deletes the Lease, so peers and the operator see at once that this agent has stopped (a graceful hand-over). */
    public void release() {
        try {
            client.leases().inNamespace(namespace).withName(AgentLeases.name(nodeName)).delete();
        } catch (KubernetesClientException e) {
            LOG.warn("deleting Lease {} failed: {}", AgentLeases.name(nodeName), e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
