package io.lvs.operator.controller;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
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
import io.lvs.api.v1alpha1.VipPool;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.VirtualServiceStatus;
import io.lvs.api.v1alpha1.rules.Membership;
import io.lvs.api.v1alpha1.rules.Problem;
import io.lvs.api.v1alpha1.rules.Selectors;
import io.lvs.api.v1alpha1.rules.VipPolicy;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import io.lvs.api.v1alpha1.validation.VirtualServiceValidator;
import io.lvs.operator.OperatorConfig;
import io.lvs.operator.agent.AgentWatch;
import io.lvs.operator.kube.EventRecorder;
import io.lvs.operator.kube.LvsMetrics;
import io.lvs.operator.model.AgentLiveness;
import io.lvs.operator.model.Conditions;
import io.lvs.operator.model.Ref;
import io.lvs.operator.model.VipClaims;
import io.lvs.operator.model.VirtualServiceAssessment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Makes every VirtualService's status tell the truth: whether it is accepted (valid, its VIP ports free, real servers
 * present), programmed on its directors and on the nodes of its DirectRouting and Tunnel real servers, ready and
 * degraded, aggregated from the agents' NodeReports; keeps the VirtualService's kernel state. Agents' reports are
 * believed only while their node exists and their agent's Lease is current ({@link AgentWatch}).
 */
@ControllerConfiguration(name = "virtualservice", finalizerName = VirtualServiceReconciler.FINALIZER,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
public class VirtualServiceReconciler implements Reconciler<VirtualService>, Cleaner<VirtualService> {
    public static final String FINALIZER = "lvs.io/cleanup";
    /** How often a VirtualService that lost a VIP port claim checks whether it can have it now. */
    private static final Duration CLAIM_RECHECK = Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger(VirtualServiceReconciler.class);
    private static final List<String> EVENT_CONDITIONS = List.of(Conditions.ACCEPTED, Conditions.READY, Conditions.DEGRADED);
    private static final long PRUNE_EVERY = 1000;

    private final EventRecorder events;
    private final AgentWatch agents;
    private final LvsMetrics metrics;
    private final OperatorConfig config;
    private final LastMapping realServerTargets = new LastMapping();
    private final LastMapping peerTargets = new LastMapping();
    private final AtomicLong reconciles = new AtomicLong();

    private volatile IndexerResourceCache<VirtualService> virtualServices;
    private volatile InformerEventSource<RealServer, VirtualService> realServers;
    private volatile InformerEventSource<NodeReport, VirtualService> reports;
    private volatile InformerEventSource<Node, VirtualService> nodes;
    private volatile InformerEventSource<VipPool, VirtualService> pools;
    private volatile InformerEventSource<Namespace, VirtualService> namespaces;

    public VirtualServiceReconciler(EventRecorder events, AgentWatch agents, LvsMetrics metrics, OperatorConfig config) {
        this.events = events;
        this.agents = agents;
        this.metrics = metrics;
        this.config = config;
    }

    /** Index of VirtualServices by VIP (the address in canonical text, so 2001:DB8::1 and 2001:db8::1 meet). */
    private static final String BY_VIP = "vip";
    /** Index of VirtualServices by {@link Membership#selectorKeys}, and of RealServers by their membership keys. */
    private static final String BY_SELECTOR = "selector";
    private static final String BY_MEMBER_KEY = "member";
    /** Index of RealServers by the node that may host them ({@link Caches#hostKeys}). */
    private static final String BY_HOST = "host";
    /** Index of NodeReports by reporting node. */
    private static final String BY_NODE = "node";

    @Override
    public List<EventSource<?, VirtualService>> prepareEventSources(EventSourceContext<VirtualService> context) {
        IndexerResourceCache<VirtualService> vsCache = context.getPrimaryCache();
        vsCache.addIndexer(BY_VIP, vs -> vipKey(vs).stream().toList());
        vsCache.addIndexer(BY_SELECTOR, Membership::selectorKeys);
        virtualServices = vsCache;
        realServers = new InformerEventSource<>(InformerEventSourceConfiguration.from(RealServer.class, VirtualService.class)
                .withName("realservers")
                .withSecondaryToPrimaryMapper((RealServer rs) -> realServerTargets.union(rs,
                        Caches.ids(selecting(rs).filter(vs -> Membership.belongs(rs, vs)))))
                .withOnUpdateFilter(Caches::specOrLabelsChanged)
                .build(), context);
        realServers.addIndexers(java.util.Map.of(BY_MEMBER_KEY, Membership::realServerKeys, BY_HOST, Caches::hostKeys));
        reports = new InformerEventSource<>(InformerEventSourceConfiguration.from(NodeReport.class, VirtualService.class)
                .withName("nodereports")
                .withSecondaryToPrimaryMapper((NodeReport r) -> r.getSpec() == null || r.getSpec().getVirtualService() == null
                        ? Set.of() : Set.of(new ResourceID(r.getSpec().getVirtualService(), r.getMetadata().getNamespace())))
                .build(), context);
        reports.addIndexers(java.util.Map.of(BY_NODE, r -> r.getSpec() == null || r.getSpec().getNodeName() == null
                ? List.of() : List.of(r.getSpec().getNodeName())));
        nodes = new InformerEventSource<>(InformerEventSourceConfiguration.from(Node.class, VirtualService.class)
                .withName("nodes")
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper((Node n) -> Caches.ids(vsCache.list()))
                .withOnUpdateFilter(Caches::labelsOrAddressesChanged)
                .build(), context);
        // Another VirtualService on the same VIP: its creation, edit or deletion can grant or take this one's ports.
        InformerEventSource<VirtualService, VirtualService> peers = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(VirtualService.class, VirtualService.class)
                        .withName("vip-peers")
                        .withSecondaryToPrimaryMapper((VirtualService v) -> peerTargets.union(v,
                                Caches.ids(vipKey(v).stream().flatMap(k -> vsCache.byIndex(BY_VIP, k).stream())
                                        .filter(o -> !ResourceID.fromResource(o).equals(ResourceID.fromResource(v))))))
                        .withOnUpdateFilter(Caches::specOrLabelsChanged)
                        .build(), context);
        // A pool's change can allow or withdraw any VIP; a namespace's labels decide which pools it may use.
        pools = new InformerEventSource<>(InformerEventSourceConfiguration.from(VipPool.class, VirtualService.class)
                .withName("vippools")
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper((VipPool p) -> Caches.ids(vsCache.list()))
                .build(), context);
        namespaces = new InformerEventSource<>(InformerEventSourceConfiguration.from(Namespace.class, VirtualService.class)
                .withName("namespaces")
                .withWatchAllNamespaces()
                // its VirtualServices, and those on the same VIPs elsewhere (a claim there may change hands)
                .withSecondaryToPrimaryMapper((Namespace n) -> Caches.ids(vsCache.list(n.getMetadata().getName())
                        .flatMap(vs -> java.util.stream.Stream.concat(java.util.stream.Stream.of(vs), vipKey(vs).stream()
                                .flatMap(k -> vsCache.byIndex(BY_VIP, k).stream())))))
                .withOnUpdateFilter((Namespace now, Namespace before) -> !Objects.equals(now.getMetadata().getLabels(),
                        before.getMetadata().getLabels()))
                .build(), context);
        AgentStateEvents<VirtualService> agentState = new AgentStateEvents<>("agent-state", agents, this::concerning);
        return List.of(realServers, reports, nodes, peers, pools, namespaces, agentState);
    }

    /**
     * The VirtualServices an agent-state change on {@code nodeNames} concerns: reported on, directed, or with a real
     * server hosted there.
     */
    private Set<ResourceID> concerning(Set<String> nodeNames) {
        if (nodeNames.equals(AgentWatch.ALL_NODES)) {
            return Caches.ids(virtualServices.list());
        }
        Set<ResourceID> out = new java.util.HashSet<>();
        for (String n : nodeNames) {
            reports.byIndex(BY_NODE, n).forEach(r -> out.add(new ResourceID(r.getSpec().getVirtualService(),
                    r.getMetadata().getNamespace())));
            Optional<Node> node = nodes.get(new ResourceID(n));
            node.ifPresent(x -> virtualServices.list()
                    .filter(vs -> vs.getSpec() != null && vs.getSpec().getDirectors() != null
                            && vs.getSpec().getDirectors().getNodeSelector() != null
                            && Selectors.matches(vs.getSpec().getDirectors().getNodeSelector(), x.getMetadata().getLabels()))
                    .forEach(vs -> out.add(ResourceID.fromResource(vs))));
            Caches.hostKeysOf(n, node).stream().flatMap(k -> realServers.byIndex(BY_HOST, k).stream())
                    .flatMap(rs -> selecting(rs).filter(vs -> Membership.belongs(rs, vs)))
                    .forEach(vs -> out.add(ResourceID.fromResource(vs)));
        }
        return out;
    }

    /** The VipPools and namespace labels as the caches hold them now. */
    private VipPolicy vipPolicy() {
        return VipPolicy.of(pools.list(p -> true).toList(), name -> namespaces.get(new ResourceID(name))
                .map(n -> n.getMetadata().getLabels()).orElse(null));
    }

    /** What the pools say about the spec's VIP and about the accepted spec's. */
    private static VirtualServiceAssessment.Vips vips(VirtualService vs, VipPolicy policy) {
        String ns = vs.getMetadata().getNamespace();
        Optional<Problem> current = vs.getSpec() == null ? Optional.empty() : policy.check(ns, vs.getSpec().getVip());
        VirtualServiceStatus st = vs.getStatus();
        Optional<Problem> accepted = st == null || st.getAcceptedGeneration() == null ? Optional.empty()
                : st.getAcceptedSpec() != null ? policy.check(ns, st.getAcceptedSpec().getVip()) : current;
        return new VirtualServiceAssessment.Vips(current, accepted);
    }

    /** The VirtualServices that may have {@code rs} as a member (a superset: the one it names, or those selecting). */
    private java.util.stream.Stream<VirtualService> selecting(RealServer rs) {
        String ns = rs.getMetadata().getNamespace();
        if (rs.getSpec() != null && rs.getSpec().getVirtualServiceRef() != null
                && rs.getSpec().getVirtualServiceRef().getName() != null) {
            return virtualServices.get(new ResourceID(rs.getSpec().getVirtualServiceRef().getName(), ns)).stream();
        }
        return Membership.selectorKeysFor(rs).stream().flatMap(k -> virtualServices.byIndex(BY_SELECTOR, k).stream());
    }

    private static Optional<String> vipKey(VirtualService vs) {
        return vs.getSpec() == null ? Optional.empty()
                : IpLiteral.parse(vs.getSpec().getVip()).map(java.net.InetAddress::getHostAddress);
    }

    @Override
    public UpdateControl<VirtualService> reconcile(VirtualService vs, Context<VirtualService> context) {
        String ns = vs.getMetadata().getNamespace();
        VipPolicy policy = vipPolicy();
        VirtualServiceAssessment.Vips vips = vips(vs, policy);
        // The VirtualServices on the same VIP, as far as their namespace may use it: one refused by the pools holds no
        // port.
        List<VirtualService> sameVip = vipKey(vs).map(k -> virtualServices.byIndex(BY_VIP, k)).orElse(List.of()).stream()
                .filter(v -> policy.check(v.getMetadata().getNamespace(), v.getSpec().getVip()).isEmpty()).toList();
        List<Node> nodeList = nodes.list(n -> true).toList();
        List<RealServer> members = Membership.members(vs, Membership.candidateKeys(vs).stream()
                .flatMap(k -> realServers.byIndex(BY_MEMBER_KEY, k).stream()).toList());
        List<NodeReport> myReports = reports.list(ns, r -> r.getSpec() != null
                && vs.getMetadata().getName().equals(r.getSpec().getVirtualService())).toList();
        Optional<Problem> claim = VirtualServiceValidator.validate(vs.getSpec()).isEmpty() && vips.current().isEmpty()
                ? VipClaims.resolveFor(vs, sameVip) : Optional.empty();

        Instant now = Instant.now();
        AgentLiveness liveness = agents.liveness(nodeList, now);
        VirtualServiceStatus before = vs.getStatus() == null ? new VirtualServiceStatus() : vs.getStatus();
        VirtualServiceStatus after = VirtualServiceAssessment.assess(new VirtualServiceAssessment.Inputs(
                vs, vips, claim, members, myReports, nodeList, liveness, now));

        ConditionEvents.emit(events, vs, before.getConditions(), after.getConditions(), EVENT_CONDITIONS);
        if (before.getActiveDirector() != null && after.getActiveDirector() != null
                && !before.getActiveDirector().equals(after.getActiveDirector())) {
            events.normal(vs, "Failover", "VIP " + vs.getSpec().getVip() + " moved from " + before.getActiveDirector()
                    + " to " + after.getActiveDirector());
        }
        if (after.getAcceptedGeneration() != null && !Objects.equals(before.getAcceptedGeneration(), after.getAcceptedGeneration())
                && before.getAcceptedGeneration() != null) {
            events.normal(vs, "Updated", "generation " + after.getAcceptedGeneration() + " accepted");
        }

        metrics.update(Ref.of(vs), after);
        pruneMappings();

        if (!ApiObjects.MAPPER.valueToTree(before).equals(ApiObjects.MAPPER.valueToTree(after))) {
            vs.setStatus(after);
            context.resourceOperations().updatePrimaryStatus(vs); // PUT /status, optimistic, cache-coherent
        }
        // A VirtualService that lost its claim looks again now and then: the wake-up when the holder goes comes from
        // the peers' informer, and this decision reads the VirtualServices' own cache, which may not have seen the
        // deletion yet; without a second look such a loser stayed in Conflict for good.
        return claim.isPresent() ? UpdateControl.<VirtualService>noUpdate().rescheduleAfter(CLAIM_RECHECK.toMillis())
                : UpdateControl.noUpdate();
    }

    /**
     * Holds the finalizer while nodes still report kernel state for this VirtualService (their agents remove it when
     * they see the deletion), up to {@code lvs.cleanup-timeout}; then lets the object go.
     */
    @Override
    public DeleteControl cleanup(VirtualService vs, Context<VirtualService> context) {
        List<NodeReport> holding = reportsStillHolding(vs, nodes.list(n -> true).toList());
        List<String> pending = holding.stream().map(r -> r.getSpec().getNodeName()).toList();
        if (!pending.isEmpty() && !cleanupTimedOut(vs)) {
            events.normal(vs, "WaitingForCleanup", "waiting for the agents on " + String.join(", ", pending)
                    + " to remove VIP " + vs.getSpec().getVip() + " and its IPVS entries");
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(5000);
        }
        if (!pending.isEmpty()) {
            // what the agents say, e.g. an IPVS service kept because someone else's destinations are in it
            String said = holding.stream().filter(r -> r.getStatus().getMessage() != null)
                    .map(r -> r.getSpec().getNodeName() + ": " + r.getStatus().getMessage()).collect(Collectors.joining("; "));
            events.warning(vs, "CleanupTimedOut", "the agents on " + String.join(", ", pending) + " did not confirm "
                    + "removing VIP " + vs.getSpec().getVip() + " within " + config.cleanupTimeout().toSeconds()
                    + "s" + (said.isEmpty() ? "" : " (" + said + ")") + "; check those nodes (ipvsadm -Ln, ip addr) and "
                    + "remove leftovers by hand");
        }
        LOG.infof("VirtualService %s deleted", Ref.of(vs));
        metrics.remove(Ref.of(vs));
        return DeleteControl.defaultDelete();
    }

    /**
     * The reports of the nodes whose live agents report kernel state for {@code vs}, by node. A node whose agent is
     * gone (its Lease lapsed) is not waited for: nothing there can remove the state now, and the agent that comes back
     * removes what it recorded for VirtualServices that no longer exist.
     */
    private List<NodeReport> reportsStillHolding(VirtualService vs, List<Node> nodeList) {
        AgentLiveness liveness = agents.liveness(nodeList, Instant.now());
        return reports.list(vs.getMetadata().getNamespace(), r -> r.getSpec() != null
                        && vs.getMetadata().getName().equals(r.getSpec().getVirtualService())
                        && r.getStatus() != null && Boolean.TRUE.equals(r.getStatus().getKernelStatePresent())
                        && liveness.alive(r.getSpec().getNodeName()))
                .sorted(java.util.Comparator.comparing(r -> r.getSpec().getNodeName())).toList();
    }

    private boolean cleanupTimedOut(VirtualService vs) {
        String since = vs.getMetadata().getDeletionTimestamp();
        return since != null && Duration.between(Instant.parse(since), Instant.now()).compareTo(config.cleanupTimeout()) >= 0;
    }

    private void pruneMappings() {
        if (reconciles.incrementAndGet() % PRUNE_EVERY == 0) {
            realServerTargets.retain(Caches.ids(realServers.list(r -> true)));
            peerTargets.retain(Caches.ids(virtualServices.list()));
        }
    }
}
