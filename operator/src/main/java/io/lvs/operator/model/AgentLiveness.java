package io.lvs.operator.model;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which nodes have a live lvs agent, and for the others a sentence saying why not. An agent is alive while its node
 * exists and its Lease (see {@link io.lvs.api.v1alpha1.AgentLeases}) was renewed within the Lease's duration; only
 * then are its NodeReports believed. The explanations come from what a person would look at: the agent's pod on that
 * node (a container waiting in CrashLoopBackOff or ErrImagePull, a pod that cannot be scheduled), the DaemonSet's
 * failed pod creations, or a DaemonSet that does not select the node at all.
 */
public final class AgentLiveness {
    /** Container waiting reasons that mean the agent cannot start; anything else is a transient start. */
    private static final Set<String> FAILING = Set.of("CrashLoopBackOff", "ErrImagePull", "ImagePullBackOff",
            "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

    /**
     * Why a node has no live agent.
     *
     * @param message a sentence for conditions, naming the node's agent pod and its state where there is one
     * @param failing true when a person must act (a crashing or unpullable agent, a node no agent can run on);
     *                false for a wait (starting, never reported yet)
     */
    public record Absence(String message, boolean failing) {
    }

    private record Cause(String text, boolean failing) {
    }

    private final Map<String, Instant> expiresAt;
    private final Set<String> nodes;
    private final Map<String, Absence> problems;

    private AgentLiveness(Map<String, Instant> expiresAt, Set<String> nodes, Map<String, Absence> problems) {
        this.expiresAt = expiresAt;
        this.nodes = nodes;
        this.problems = problems;
    }

    /** Everything the assessment reads: the agents' Leases, pods, DaemonSet (if any) and its events, the nodes. */
    public record Inputs(Collection<Lease> leases, Collection<Pod> pods, Optional<DaemonSet> daemonSet,
                         Collection<Event> daemonSetEvents, Collection<Node> nodes, String daemonSetRef, Instant now) {
    }

    /** Every agent counts as alive: for tests of other rules, and for callers that cannot know. */
    public static AgentLiveness everyoneAlive(Collection<Node> nodes) {
        Map<String, Instant> forever = new HashMap<>();
        nodes.forEach(n -> forever.put(n.getMetadata().getName(), Instant.MAX));
        return new AgentLiveness(forever, Set.copyOf(forever.keySet()), Map.of());
    }

    public static AgentLiveness assess(Inputs in) {
        Set<String> nodeNames = in.nodes().stream().map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
        Map<String, Instant> expires = new HashMap<>();
        Map<String, Instant> lastRenewal = new HashMap<>();
        for (Lease l : in.leases()) {
            if (l.getSpec() == null || l.getSpec().getHolderIdentity() == null) {
                continue;
            }
            Optional<Instant> renewed = Optional.ofNullable(l.getSpec().getRenewTime()).map(java.time.ZonedDateTime::toInstant);
            if (renewed.isEmpty()) {
                continue;
            }
            int seconds = l.getSpec().getLeaseDurationSeconds() == null ? 40 : l.getSpec().getLeaseDurationSeconds();
            String node = l.getSpec().getHolderIdentity();
            lastRenewal.put(node, renewed.get());
            Instant until = renewed.get().plusSeconds(seconds);
            if (until.isAfter(in.now()) && nodeNames.contains(node)) {
                expires.put(node, until);
            }
        }
        Map<String, List<Pod>> podsByNode = in.pods().stream().filter(p -> p.getSpec() != null && p.getSpec().getNodeName() != null)
                .collect(Collectors.groupingBy(p -> p.getSpec().getNodeName()));
        List<Pod> unscheduled = in.pods().stream().filter(p -> p.getSpec() == null || p.getSpec().getNodeName() == null).toList();
        Optional<String> createFailure = in.daemonSetEvents().stream()
                .filter(e -> "FailedCreate".equals(e.getReason()))
                .max(Comparator.comparing(AgentLiveness::eventTime))
                .map(e -> "the agents' DaemonSet " + in.daemonSetRef() + " cannot create pods: " + e.getMessage());

        Map<String, Absence> problems = new HashMap<>();
        for (Node n : in.nodes()) {
            String node = n.getMetadata().getName();
            if (expires.containsKey(node)) {
                continue;
            }
            String lease = lastRenewal.containsKey(node)
                    ? "its agent last renewed its Lease at " + lastRenewal.get(node) + " and has not since"
                    : "no lvs agent has started on it";
            Optional<Cause> cause = explain(node, n, podsByNode.getOrDefault(node, List.of()), unscheduled,
                    in.daemonSet(), createFailure, in.daemonSetRef());
            problems.put(node, new Absence(lease + cause.map(c -> ": " + c.text()).orElse(""),
                    cause.map(Cause::failing).orElse(false)));
        }
        return new AgentLiveness(Map.copyOf(expires), Set.copyOf(nodeNames), Map.copyOf(problems));
    }

    /** Whether reports from {@code node} are believed. */
    public boolean alive(String node) {
        return expiresAt.containsKey(node);
    }

    /** Why the agent on {@code node} is not alive (a node that does not exist has none); empty when alive. */
    public Optional<Absence> absence(String node) {
        if (alive(node)) {
            return Optional.empty();
        }
        if (!nodes.contains(node)) {
            return Optional.of(new Absence("node " + node + " does not exist", false));
        }
        return Optional.of(problems.getOrDefault(node, new Absence("no lvs agent has started on it", false)));
    }

    /** When the first live Lease lapses unless renewed: the time to look again. */
    public Optional<Instant> nextExpiry() {
        return expiresAt.values().stream().min(Comparator.naturalOrder());
    }

    private static Optional<Cause> explain(String node, Node n, List<Pod> onNode, List<Pod> unscheduled,
                                           Optional<DaemonSet> ds, Optional<String> createFailure, String dsRef) {
        for (Pod p : onNode) {
            String name = "agent pod " + p.getMetadata().getName();
            for (ContainerStatus c : containerStatuses(p)) {
                if (c.getState() != null && c.getState().getWaiting() != null
                        && FAILING.contains(c.getState().getWaiting().getReason())) {
                    String why = Objects.requireNonNullElse(c.getState().getWaiting().getMessage(), "");
                    Integer exit = c.getLastState() == null || c.getLastState().getTerminated() == null ? null
                            : c.getLastState().getTerminated().getExitCode();
                    return Optional.of(new Cause(name + ": " + c.getState().getWaiting().getReason()
                            + (why.isEmpty() ? "" : ": " + why) + (exit == null ? "" : " (last exit code " + exit + ")"), true));
                }
            }
            if ("Failed".equals(phase(p))) {
                return Optional.of(new Cause(name + " failed" + (p.getStatus().getMessage() == null ? ""
                        : ": " + p.getStatus().getMessage()), true));
            }
            return Optional.of(new Cause(name + " is " + phase(p), false));
        }
        for (Pod p : unscheduled) {
            Optional<PodCondition> scheduled = p.getStatus() == null || p.getStatus().getConditions() == null ? Optional.empty()
                    : p.getStatus().getConditions().stream().filter(c -> "PodScheduled".equals(c.getType())
                    && "False".equals(c.getStatus())).findFirst();
            if (scheduled.isPresent() && targets(p, node)) {
                return Optional.of(new Cause("agent pod " + p.getMetadata().getName() + " cannot be scheduled: "
                        + scheduled.get().getMessage(), true));
            }
        }
        if (createFailure.isPresent()) {
            return Optional.of(new Cause(createFailure.get(), true));
        }
        if (ds.isEmpty()) {
            return Optional.of(new Cause("there is no agents' DaemonSet " + dsRef + " (is the lvs-operator chart installed?)",
                    true));
        }
        Map<String, String> selector = ds.get().getSpec() == null || ds.get().getSpec().getTemplate().getSpec() == null ? Map.of()
                : Objects.requireNonNullElse(ds.get().getSpec().getTemplate().getSpec().getNodeSelector(), Map.of());
        Map<String, String> labels = Objects.requireNonNullElse(n.getMetadata().getLabels(), Map.of());
        List<String> unmet = selector.entrySet().stream().filter(e -> !e.getValue().equals(labels.get(e.getKey())))
                .map(e -> e.getKey() + "=" + e.getValue()).sorted().toList();
        if (!unmet.isEmpty()) {
            return Optional.of(new Cause("the agents' DaemonSet " + dsRef + " runs only on nodes labelled "
                    + String.join(",", unmet) + " (chart value agent.nodeSelector); label the node or widen the selector",
                    true));
        }
        List<Toleration> tolerations = Objects.requireNonNullElse(ds.get().getSpec().getTemplate().getSpec().getTolerations(),
                List.of());
        List<String> untolerated = (n.getSpec() == null || n.getSpec().getTaints() == null ? List.<Taint>of() : n.getSpec().getTaints())
                .stream().filter(t -> !"PreferNoSchedule".equals(t.getEffect()))
                .filter(t -> tolerations.stream().noneMatch(tol -> tolerates(tol, t)))
                .map(t -> t.getKey() + (t.getValue() == null ? "" : "=" + t.getValue()) + ":" + t.getEffect()).toList();
        if (!untolerated.isEmpty()) {
            return Optional.of(new Cause("the node has taints the agents do not tolerate: " + String.join(", ", untolerated)
                    + " (chart value agent.tolerations)", true));
        }
        return Optional.empty();
    }

    private static boolean targets(Pod p, String node) {
        // A DaemonSet pod names its node in a required node affinity term on metadata.name.
        var affinity = p.getSpec() == null || p.getSpec().getAffinity() == null ? null : p.getSpec().getAffinity().getNodeAffinity();
        if (affinity == null || affinity.getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return false;
        }
        return affinity.getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().stream()
                .flatMap(t -> t.getMatchFields() == null ? java.util.stream.Stream.empty() : t.getMatchFields().stream())
                .anyMatch(f -> "metadata.name".equals(f.getKey()) && f.getValues() != null && f.getValues().contains(node));
    }

    private static boolean tolerates(Toleration tol, Taint t) {
        if (tol.getEffect() != null && !tol.getEffect().isEmpty() && !tol.getEffect().equals(t.getEffect())) {
            return false;
        }
        if ("Exists".equals(tol.getOperator())) {
            return tol.getKey() == null || tol.getKey().isEmpty() || tol.getKey().equals(t.getKey());
        }
        return Objects.equals(tol.getKey(), t.getKey()) && Objects.equals(Objects.requireNonNullElse(tol.getValue(), ""),
                Objects.requireNonNullElse(t.getValue(), ""));
    }

    private static List<ContainerStatus> containerStatuses(Pod p) {
        if (p.getStatus() == null) {
            return List.of();
        }
        List<ContainerStatus> all = new java.util.ArrayList<>();
        if (p.getStatus().getInitContainerStatuses() != null) {
            all.addAll(p.getStatus().getInitContainerStatuses());
        }
        if (p.getStatus().getContainerStatuses() != null) {
            all.addAll(p.getStatus().getContainerStatuses());
        }
        return all;
    }

    private static String phase(Pod p) {
        return p.getStatus() == null || p.getStatus().getPhase() == null ? "Pending" : p.getStatus().getPhase();
    }

    private static Instant eventTime(Event e) {
        return time(e.getLastTimestamp()).or(() -> time(e.getEventTime() == null ? null : e.getEventTime().getTime()))
                .or(() -> time(e.getMetadata().getCreationTimestamp())).orElse(Instant.EPOCH);
    }

    /** RFC 3339 with or without fractions (Lease renewTime is a MicroTime). */
    static Optional<Instant> time(String s) {
        if (s == null || s.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
