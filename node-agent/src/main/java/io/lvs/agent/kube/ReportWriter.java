package io.lvs.agent.kube;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.lvs.agent.model.VsRef;
import io.lvs.agent.node.ReportSink;
import io.lvs.api.v1alpha1.NodeReport;
import io.lvs.api.v1alpha1.NodeReportSpec;
import io.lvs.api.v1alpha1.NodeReportStatus;
import io.lvs.api.v1alpha1.NodeReports;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this node's NodeReports, on its own thread: the loop hands over what the reports should say and goes on;
 * this thread creates, updates (status subresource, optimistic by resourceVersion) and deletes reports until the API
 * server shows exactly that. A report is written only when its content differs from the API server's copy
 * (reportTime aside), so at steady state nothing is written. While the API server cannot be reached it retries with
 * back-off, always with the latest content; nothing here ever delays the kernel.
 */
public final class ReportWriter implements ReportSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReportWriter.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final KubernetesClient client;
    private final KubeObjects objects;
    private final String nodeName;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Map<VsRef, NodeReportStatus> wanted;
    private boolean dirty;
    private volatile boolean running = true;
    private final Thread thread;
    private final AtomicLong writes = new AtomicLong();
    /**
     * What this writer last wrote per report while the cache does not show it yet, so that a cache that has not caught
     * up does not cause a second write (dropped once it has: at steady state this is empty).
     */
    private final Map<String, Written> written = new HashMap<>();

    private record Written(String before, String after, NodeReportStatus content) {
    }
    private final AtomicLong failures = new AtomicLong();

    public ReportWriter(KubernetesClient client, KubeObjects objects, String nodeName, Clock clock) {
        this.client = client;
        this.objects = objects;
        this.nodeName = nodeName;
        this.clock = clock;
        this.thread = Thread.ofPlatform().name("lvs-report-writer").daemon().start(this::run);
        objects.onChange(() -> {
            lock.lock();
            try {
                dirty = wanted != null; // someone (an operator, a person) may have changed or deleted a report
                changed.signal();
            } finally {
                lock.unlock();
            }
        });
    }

    @Override
    public void publish(Map<VsRef, NodeReportStatus> reports) {
        lock.lock();
        try {
            if (!reports.equals(wanted)) {
                wanted = Map.copyOf(reports);
                dirty = true;
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Reports created, updated or deleted so far (what "writes per minute" counts). */
    public long writes() {
        return writes.get();
    }

    public long failures() {
        return failures.get();
    }

    private void run() {
        Duration backoff = MIN_BACKOFF;
        while (running) {
            Map<VsRef, NodeReportStatus> target;
            lock.lock();
            try {
                while (running && !dirty) {
                    changed.await();
                }
                target = wanted;
                dirty = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (target == null || !objects.synced()) {
                continue;
            }
            try {
                sync(target);
                backoff = MIN_BACKOFF;
            } catch (KubernetesClientException | IllegalStateException e) {
                failures.incrementAndGet();
                LOG.warn("writing NodeReports failed (retrying in {} ms): {}", backoff.toMillis(), e.getMessage());
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                lock.lock();
                try {
                    dirty = true;
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void sync(Map<VsRef, NodeReportStatus> target) {
        Map<String, NodeReport> current = new HashMap<>();
        for (NodeReport r : objects.ownReports()) {
            current.put(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), r);
        }
        for (Map.Entry<VsRef, NodeReportStatus> e : target.entrySet()) {
            VsRef vs = e.getKey();
            String name = NodeReports.name(vs.name(), nodeName);
            NodeReport have = current.remove(vs.namespace() + "/" + name);
            if (have == null) {
                Optional<VirtualService> owner = objects.virtualService(vs.namespace(), vs.name());
                if (owner.isEmpty()) {
                    continue; // its VirtualService is gone: nothing to report on
                }
                have = create(vs, name, owner.get());
            }
            String key = vs.namespace() + "/" + name;
            Written last = written.get(key);
            String rv = have.getMetadata().getResourceVersion();
            boolean cacheBehind = last != null && rv.equals(last.before());
            if (last != null && !cacheBehind) {
                written.remove(key); // the cache shows this write, or a later one: it is the truth again
            }
            if (cacheBehind ? !sameContent(last.content(), e.getValue()) : !sameContent(have.getStatus(), e.getValue())) {
                NodeReportStatus st = ApiObjects.MAPPER.convertValue(e.getValue(), NodeReportStatus.class);
                st.setReportTime(clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
                // A copy: the cached object must keep what the API server holds, so that a write that fails is
                // tried again (the retry compares with the cache) and the cache's own events stay truthful.
                NodeReport out = new NodeReport();
                out.setMetadata(new ObjectMetaBuilder(have.getMetadata())
                        .withResourceVersion(cacheBehind ? last.after() : rv).build());
                out.setSpec(have.getSpec());
                out.setStatus(st);
                NodeReport after = client.resource(out).updateStatus();
                written.put(key, new Written(rv, after.getMetadata().getResourceVersion(), st));
                writes.incrementAndGet();
            }
        }
        for (NodeReport stale : current.values()) {
            try {
                client.resource(stale).delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
            written.remove(stale.getMetadata().getNamespace() + "/" + stale.getMetadata().getName());
            writes.incrementAndGet();
        }
    }

    private NodeReport create(VsRef vs, String name, VirtualService owner) {
        NodeReport r = new NodeReport();
        OwnerReference ref = new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                .withController(false).withBlockOwnerDeletion(false).build();
        r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(vs.namespace())
                .withLabels(NodeReports.labels(vs.name(), nodeName)).withOwnerReferences(
                        owner.getMetadata().getUid() == null ? List.of() : List.of(ref)).build());
        r.setSpec(new NodeReportSpec(vs.name(), nodeName));
        NodeReport created;
        try {
            created = client.resource(r).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            created = client.resources(NodeReport.class).inNamespace(vs.namespace()).withName(name).get();
            if (created == null) {
                throw new IllegalStateException("NodeReport " + vs.namespace() + "/" + name + " exists and vanished");
            }
        }
        writes.incrementAndGet();
        return created;
    }

    /** Equal apart from the time of writing. */
    private static boolean sameContent(NodeReportStatus have, NodeReportStatus want) {
        if (have == null) {
            return false;
        }
        var a = ApiObjects.MAPPER.valueToTree(have);
        var b = ApiObjects.MAPPER.valueToTree(want);
        ((com.fasterxml.jackson.databind.node.ObjectNode) a).remove("reportTime");
        ((com.fasterxml.jackson.databind.node.ObjectNode) b).remove("reportTime");
        return Objects.equals(a, b);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
