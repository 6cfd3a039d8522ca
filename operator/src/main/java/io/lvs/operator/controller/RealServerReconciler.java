package io.lvs.operator.controller;

import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.lvs.api.v1alpha1.IpLiteral;
import io.lvs.api.v1alpha1.NodeReport;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.RealServerStatus;
import io.lvs.api.v1alpha1.ReportedRealServer;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.rules.Membership;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import io.lvs.operator.agent.AgentWatch;
import io.lvs.operator.kube.EventRecorder;
import io.lvs.operator.model.AgentLiveness;
import io.lvs.operator.model.Conditions;
import io.lvs.operator.model.RealServerAssessment;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Makes every RealServer's status tell the truth: whether it fits the VirtualServices it belongs to (Accepted), which
 * node hosts it and whether that node is prepared (NodePrepared, from its agent's liveness and reports), and what the
 * active directors' health checks say (Healthy, last probe).
 */
@ControllerConfiguration(name = "realserver",
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
public class RealServerReconciler implements Reconciler<RealServer> {
    private static final List<String> EVENT_CONDITIONS = List.of(Conditions.ACCEPTED, Conditions.HEALTHY,
            Conditions.NODE_PREPARED);
    private static final long PRUNE_EVERY = 1000;

    private static final String BY_NODE = "node";
    /** Index of RealServers by the node that may host them ({@link Caches#hostKeys}). */
    private static final String BY_HOST = "host";
    /** Indexes of membership: RealServers by {@link Membership#realServerKeys}, VirtualServices by their selector. */
    private static final String BY_MEMBER_KEY = "member";
    private static final String BY_SELECTOR = "selector";

    private final EventRecorder events;
    private final AgentWatch agents;
    private final LastMapping memberTargets = new LastMapping();
    private final LastMapping reportTargets = new LastMapping();
    private final AtomicLong reconciles = new AtomicLong();

    private volatile InformerEventSource<VirtualService, RealServer> virtualServices;
    private volatile InformerEventSource<NodeReport, RealServer> reports;
    private volatile InformerEventSource<Node, RealServer> nodes;

    public RealServerReconciler(EventRecorder events, AgentWatch agents) {
        this.events = events;
        this.agents = agents;
    }

    @Override
    public List<EventSource<?, RealServer>> prepareEventSources(EventSourceContext<RealServer> context) {
        IndexerResourceCache<RealServer> rsCache = context.getPrimaryCache();
        rsCache.addIndexer(BY_MEMBER_KEY, Membership::realServerKeys);
        rsCache.addIndexer(BY_HOST, Caches::hostKeys);
        // A VirtualService's change concerns its members and the RealServers that name it (whether or not they fit).
        virtualServices = new InformerEventSource<>(InformerEventSourceConfiguration.from(VirtualService.class, RealServer.class)
                .withName("virtualservices")
                .withSecondaryToPrimaryMapper((VirtualService vs) -> memberTargets.union(vs,
                        Caches.ids(Membership.candidateKeys(vs).stream().flatMap(k -> rsCache.byIndex(BY_MEMBER_KEY, k)
                                .stream()).filter(rs -> Membership.belongs(rs, vs)
                                || (rs.getSpec() != null && rs.getSpec().getVirtualServiceRef() != null
                                && vs.getMetadata().getName().equals(rs.getSpec().getVirtualServiceRef().getName()))))))
                .withOnUpdateFilter(Caches::specOrLabelsChanged)
                .build(), context);
        virtualServices.addIndexers(java.util.Map.of(BY_SELECTOR, Membership::selectorKeys));
        reports = new InformerEventSource<>(InformerEventSourceConfiguration.from(NodeReport.class, RealServer.class)
                .withName("nodereports")
                // the servers a director's report speaks of, and those hosted on the reporting node
                .withSecondaryToPrimaryMapper((NodeReport r) -> reportTargets.union(r, java.util.stream.Stream.concat(
                        named(r), hostedOn(rsCache, r.getSpec() == null ? null : r.getSpec().getNodeName())
                                .filter(id -> Objects.equals(id.getNamespace().orElse(null), r.getMetadata().getNamespace())))
                        .collect(Collectors.toSet())))
                .build(), context);
        reports.addIndexers(java.util.Map.of(BY_NODE, r -> r.getSpec() == null || r.getSpec().getNodeName() == null
                ? List.of() : List.of(r.getSpec().getNodeName())));
        nodes = new InformerEventSource<>(InformerEventSourceConfiguration.from(Node.class, RealServer.class)
                .withName("nodes")
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper((Node n) -> Caches.ids(rsCache.list().filter(rs -> hostedOn(rs, n))))
                .withOnUpdateFilter((now, before) -> !Objects.equals(Caches.addresses(now), Caches.addresses(before)))
                .build(), context);
        AgentStateEvents<RealServer> agentState = new AgentStateEvents<>("agent-state", agents, changed -> changed.equals(
                AgentWatch.ALL_NODES) ? Caches.ids(rsCache.list()) : changed.stream()
                .flatMap(n -> java.util.stream.Stream.concat(reports.byIndex(BY_NODE, n).stream()
                        .flatMap(RealServerReconciler::named), hostedOn(rsCache, n)))
                .collect(Collectors.toSet()));
        return List.of(virtualServices, reports, nodes, agentState);
    }

    /** The RealServers a report speaks of. */
    private static java.util.stream.Stream<ResourceID> named(NodeReport r) {
        return r.getStatus() == null || r.getStatus().getRealServers() == null ? java.util.stream.Stream.empty()
                : r.getStatus().getRealServers().stream().map(ReportedRealServer::getName).filter(Objects::nonNull)
                .map(n -> new ResourceID(n, r.getMetadata().getNamespace()));
    }

    /** The RealServers {@code node} may host: named by spec.nodeName, or at one of its addresses. */
    private java.util.stream.Stream<ResourceID> hostedOn(IndexerResourceCache<RealServer> rsCache, String node) {
        if (node == null) {
            return java.util.stream.Stream.empty();
        }
        return Caches.hostKeysOf(node, nodes == null ? java.util.Optional.empty() : nodes.get(new ResourceID(node))).stream()
                .flatMap(k -> rsCache.byIndex(BY_HOST, k).stream()).map(ResourceID::fromResource);
    }

    /** Whether {@code n} is (or was, per its status) the host of {@code rs}. */
    private static boolean hostedOn(RealServer rs, Node n) {
        String name = n.getMetadata().getName();
        if (rs.getSpec() == null) {
            return false;
        }
        if (name.equals(rs.getSpec().getNodeName()) || (rs.getStatus() != null && name.equals(rs.getStatus().getNodeName()))) {
            return true;
        }
        var addr = IpLiteral.parse(rs.getSpec().getAddress());
        return addr.isPresent() && Caches.addresses(n).stream().anyMatch(a -> IpLiteral.parse(a.getAddress()).equals(addr));
    }

    @Override
    public UpdateControl<RealServer> reconcile(RealServer rs, Context<RealServer> context) {
        String ns = rs.getMetadata().getNamespace();
        String ref = rs.getSpec() == null || rs.getSpec().getVirtualServiceRef() == null ? null
                : rs.getSpec().getVirtualServiceRef().getName();
        List<VirtualService> candidates = ref != null
                ? virtualServices.get(new ResourceID(ref, ns)).stream().toList()
                : Membership.selectorKeysFor(rs).stream().flatMap(k -> virtualServices.byIndex(BY_SELECTOR, k).stream()).toList();
        List<VirtualService> mine = Membership.virtualServicesOf(rs, candidates);
        boolean refExists = ref == null || !candidates.isEmpty();
        Set<String> names = mine.stream().map(v -> v.getMetadata().getName()).collect(Collectors.toSet());
        List<Node> nodeList = nodes.list(n -> true).toList();
        Instant now = Instant.now();
        AgentLiveness liveness = agents.liveness(nodeList, now);
        List<NodeReport> theirReports = reports.list(ns, r -> r.getSpec() != null && names.contains(r.getSpec().getVirtualService())
                && liveness.alive(r.getSpec().getNodeName())).toList();
        RealServerStatus before = rs.getStatus() == null ? new RealServerStatus() : rs.getStatus();
        RealServerStatus after = RealServerAssessment.assess(new RealServerAssessment.Inputs(rs, mine, refExists,
                theirReports, nodeList, liveness, now));
        ConditionEvents.emit(events, rs, before.getConditions(), after.getConditions(), EVENT_CONDITIONS);
        if (reconciles.incrementAndGet() % PRUNE_EVERY == 0) {
            memberTargets.retain(Caches.ids(virtualServices.list(v -> true)));
            reportTargets.retain(Caches.ids(reports.list(r -> true)));
        }
        if (ApiObjects.MAPPER.valueToTree(before).equals(ApiObjects.MAPPER.valueToTree(after))) {
            return UpdateControl.noUpdate();
        }
        rs.setStatus(after);
        context.resourceOperations().updatePrimaryStatus(rs); // PUT /status, optimistic, cache-coherent
        return UpdateControl.noUpdate();
    }
}
