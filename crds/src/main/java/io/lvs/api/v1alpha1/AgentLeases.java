package io.lvs.api.v1alpha1;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Lease each node agent renews to say it is alive (as kubelets renew their node Leases), shared by the agents that
 * write them and the operator that reads them: a NodeReport is believed only while its node exists and the Lease of
 * that node's agent is current, so a dead agent's last "Active" is not believed forever.
 */
public final class AgentLeases {
    /** Label on every agent Lease, so the operator can watch exactly those. */
    public static final String APP_LABEL = "app.kubernetes.io/name";
    public static final String APP = "lvs-node-agent";
    /** Label naming the agent's node (hashed when the name is longer than a label value may be). */
    public static final String NODE_LABEL = NodeReport.NODE_LABEL;
    /** How long a Lease is believed after its last renewal. */
    public static final Duration DURATION = Duration.ofSeconds(40);
    /** How often agents renew: four chances before the Lease lapses, like the kubelet's node Lease. */
    public static final Duration RENEW_INTERVAL = Duration.ofSeconds(10);

    /**
     * Annotation with the ids of the VRRP advert keys the agent holds, comma-separated, the signing key first
     * ("2,1"); absent when its election uses no keys.
     */
    public static final String KEY_IDS_ANNOTATION = "lvs.io/vrrp-key-ids";

    private static final String PREFIX = "lvs-agent-";
    private static final int MAX_NAME = 253;

    private AgentLeases() {
    }

    /** The Lease of the agent on {@code node}: "lvs-agent-{node}", shortened with a hash when too long. */
    public static String name(String node) {
        String plain = PREFIX + node;
        if (plain.length() <= MAX_NAME) {
            return plain;
        }
        String h = NodeReports.hash(plain, 16);
        return plain.substring(0, MAX_NAME - h.length() - 1) + "-" + h;
    }

    /** The annotation's value for {@code ids}. */
    public static String keyIds(List<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** The ids an annotation value lists, in order; empty for a missing or malformed value. */
    public static List<Integer> keyIds(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<Integer> ids = new ArrayList<>();
        for (String part : value.split(",")) {
            try {
                ids.add(Integer.parseInt(part.strip()));
            } catch (NumberFormatException e) {
                return List.of();
            }
        }
        return List.copyOf(ids);
    }

    /** The labels of {@code node}'s agent Lease. */
    public static Map<String, String> labels(String node) {
        return Map.of(APP_LABEL, APP, NODE_LABEL, NodeReports.labelValue(node));
    }
}
