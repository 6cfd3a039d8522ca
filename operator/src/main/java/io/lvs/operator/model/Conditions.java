package io.lvs.operator.model;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Condition types, and setting conditions the Kubernetes way (lastTransitionTime moves only when status changes). */
public final class Conditions {
    public static final String ACCEPTED = "Accepted";
    public static final String PROGRAMMED = "Programmed";
    public static final String READY = "Ready";
    public static final String DEGRADED = "Degraded";
    public static final String HEALTHY = "Healthy";
    /** A RealServer's: the node that hosts it holds what DirectRouting and Tunnel need there (VIP on lo, ARP sysctls). */
    public static final String NODE_PREPARED = "NodePrepared";

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    /** Messages are cut here; the API server refuses condition messages over 32768 bytes. */
    private static final int MAX_MESSAGE = 4096;

    private Conditions() {
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    /** True when {@code type} is present with status True. */
    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
    }

    /**
     * A copy of {@code conditions} with {@code type} set. The previous lastTransitionTime is kept when the status
     * does not change, as the API conventions require.
     */
    public static List<Condition> set(List<Condition> conditions, String type, String status, String reason,
                                      String message, long generation, Instant now) {
        List<Condition> out = new ArrayList<>();
        String transition = now.truncatedTo(ChronoUnit.SECONDS).toString();
        boolean replaced = false;
        for (Condition c : conditions == null ? List.<Condition>of() : conditions) {
            if (type.equals(c.getType())) {
                if (Objects.equals(c.getStatus(), status) && c.getLastTransitionTime() != null) {
                    transition = c.getLastTransitionTime();
                }
                if (!replaced) {
                    out.add(build(type, status, reason, message, generation, transition));
                    replaced = true;
                }
            } else {
                out.add(c);
            }
        }
        if (!replaced) {
            out.add(build(type, status, reason, message, generation, transition));
        }
        return out;
    }

    private static Condition build(String type, String status, String reason, String message, long generation,
                                   String transition) {
        String m = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message;
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(m)
                .withObservedGeneration(generation).withLastTransitionTime(transition).build();
    }
}
