package io.lvs.e2e.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Which of the chart's rights a run used: reads audit logs ({@code audit.k8s.io/v1} Events, one per line, as the
 * embedded API server writes them with {@code --audit-log} and as a real cluster's audit log has them), expands the
 * chart's Roles and ClusterRoles into single grants per ServiceAccount (verb, API group, resource, name, and the
 * namespace of a Role), and says for each grant whether an allowed request used it, and which requests were refused.
 *
 * <p>Only the programs' own requests count as use: those of the tests' kubectl acting as an account (user agent
 * {@code kubectl/...}) play a part, and show in the refusals only.
 *
 * <p>The procedure: run the e2e scenarios with {@code -Dlvs.rbac.auditDir=DIR} (each lab keeps its log there), then
 * {@code ChartRightsTest} with the same property compares them with the rendered chart; or run this class's
 * {@code main} with audit log files (of a real cluster too) to print the comparison.
 */
public final class RightsUsage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RightsUsage() {
    }

    /** One request of an audit log, and when the server received it. */
    public record Request(String user, String verb, String apiGroup, String resource, String subresource,
            String namespace, String name, String path, int code, String decision, String userAgent, Instant received) {

        /** A request of one of the tests' kubectl acting as an account, not of the program that account runs. */
        boolean fromKubectl() {
            return userAgent.startsWith("kubectl/");
        }

        /** The self reviews every authenticated user may make (the server's system:basic-user), not the chart's. */
        boolean selfReview() {
            return apiGroup.equals("authorization.k8s.io") || apiGroup.equals("authentication.k8s.io");
        }

        /** "resource" or "resource/subresource". */
        String combinedResource() {
            return subresource.isEmpty() ? resource : resource + "/" + subresource;
        }

        boolean allowed() {
            return decision.equals("allow");
        }

        @Override
        public String toString() {
            String what = resource.isEmpty() ? path
                    : (apiGroup.isEmpty() ? "" : apiGroup + " ") + combinedResource()
                    + (namespace.isEmpty() && name.isEmpty() ? "" : " " + (namespace.isEmpty() ? "" : namespace + "/") + name);
            return user + " " + verb + " " + what + ": " + code;
        }
    }

    /** One right a chart role gives an account: a verb on a resource of a group, maybe one name, maybe one namespace. */
    public record Grant(String account, String verb, String apiGroup, String resource, String name, String namespace) {
        /** Whether this grant allows {@code r} (as the RBAC authorizer matches a rule, without wildcards). */
        boolean covers(Request r) {
            return r.user().equals(account) && r.verb().equals(verb) && r.apiGroup().equals(apiGroup)
                    && r.combinedResource().equals(resource) && (name.isEmpty() || name.equals(r.name()))
                    && (namespace.isEmpty() || namespace.equals(r.namespace()));
        }

        boolean usedBy(Request r) {
            return r.allowed() && !r.fromKubectl() && covers(r);
        }

        @Override
        public String toString() {
            return account.substring(account.lastIndexOf(':') + 1) + ": " + verb + " " + (apiGroup.isEmpty() ? "" : apiGroup + " ")
                    + resource + (name.isEmpty() ? "" : " " + name) + (namespace.isEmpty() ? " (cluster)" : " (in " + namespace + ")");
        }
    }

    /**
     * The comparison: grants no allowed request of the programs used, grants used (with how often), requests the server
     * refused, and requests it allowed that no grant of the chart as it is now covers (a right taken away since the
     * recording, which the programs need).
     */
    public record Report(List<Grant> unused, Map<Grant, Integer> used, List<Request> refused, List<Request> ungranted) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            b.append("rights used (").append(used.size()).append("):\n");
            used.forEach((g, n) -> b.append("  ").append(g).append("  x").append(n).append('\n'));
            b.append("rights never used (").append(unused.size()).append("):\n");
            unused.forEach(g -> b.append("  ").append(g).append('\n'));
            b.append("requests refused (").append(refused.size()).append("):\n");
            refused.stream().map(Request::toString).distinct().forEach(r -> b.append("  ").append(r).append('\n'));
            b.append("requests allowed then that the chart no longer grants (").append(ungranted.size()).append("):\n");
            ungranted.stream().map(Request::toString).distinct().forEach(r -> b.append("  ").append(r).append('\n'));
            return b.toString();
        }
    }

    /** The requests of audit log files; lines that are not Events (a log cut short) are skipped. */
    public static List<Request> read(List<Path> logs) {
        List<Request> out = new ArrayList<>();
        for (Path log : logs) {
            try (Stream<String> lines = Files.lines(log)) {
                lines.forEach(line -> {
                    try {
                        JsonNode e = JSON.readTree(line);
                        if (!"Event".equals(e.path("kind").asText())) {
                            return;
                        }
                        JsonNode ref = e.path("objectRef");
                        out.add(new Request(e.at("/user/username").asText(""), e.path("verb").asText(""),
                                ref.path("apiGroup").asText(""), ref.path("resource").asText(""),
                                ref.path("subresource").asText(""), ref.path("namespace").asText(""),
                                ref.path("name").asText(""), e.path("requestURI").asText("").replaceAll("\\?.*", ""),
                                e.at("/responseStatus/code").asInt(0),
                                e.at("/annotations/authorization.k8s.io~1decision").asText(""),
                                e.path("userAgent").asText(""), received(e)));
                    } catch (IOException notAnEvent) {
                        // a line cut short by a killed server
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + log, e);
            }
        }
        return out;
    }

    /** When the server received an audit Event's request ({@code requestReceivedTimestamp}); the epoch if unreadable. */
    private static Instant received(JsonNode event) {
        try {
            return Instant.parse(event.path("requestReceivedTimestamp").asText(""));
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    /** The lines of an audit log whose requests the server received at {@code from} or later. */
    public static List<String> linesFrom(Path log, Instant from) throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(line -> {
                try {
                    return !received(JSON.readTree(line)).isBefore(from);
                } catch (IOException notAnEvent) {
                    return false;
                }
            }).toList();
        }
    }

    /** The grants of the rendered chart's roles to each ServiceAccount they are bound to. */
    public static List<Grant> grants(List<JsonNode> chart) {
        Map<String, JsonNode> clusterRoles = new LinkedHashMap<>();
        Map<String, JsonNode> roles = new LinkedHashMap<>();
        for (JsonNode d : chart) {
            String key = d.at("/metadata/name").asText();
            switch (d.path("kind").asText()) {
                case "ClusterRole" -> clusterRoles.put(key, d);
                case "Role" -> roles.put(d.at("/metadata/namespace").asText() + "/" + key, d);
                default -> { }
            }
        }
        Set<Grant> out = new java.util.LinkedHashSet<>();
        for (JsonNode d : chart) {
            String kind = d.path("kind").asText();
            if (!kind.equals("ClusterRoleBinding") && !kind.equals("RoleBinding")) {
                continue;
            }
            String namespace = kind.equals("RoleBinding") ? d.at("/metadata/namespace").asText() : "";
            JsonNode role = d.at("/roleRef/kind").asText().equals("Role")
                    ? roles.get(namespace + "/" + d.at("/roleRef/name").asText())
                    : clusterRoles.get(d.at("/roleRef/name").asText());
            if (role == null) {
                continue;
            }
            for (JsonNode subject : d.path("subjects")) {
                if (!subject.path("kind").asText().equals("ServiceAccount")) {
                    continue;
                }
                String ns = subject.path("namespace").asText(namespace);
                String account = "system:serviceaccount:" + ns + ":" + subject.path("name").asText();
                for (JsonNode rule : role.path("rules")) {
                    List<String> names = new ArrayList<>();
                    rule.path("resourceNames").forEach(n -> names.add(n.asText()));
                    if (names.isEmpty()) {
                        names.add("");
                    }
                    for (JsonNode verb : rule.path("verbs")) {
                        for (JsonNode group : rule.path("apiGroups")) {
                            for (JsonNode resource : rule.path("resources")) {
                                for (String name : names) {
                                    out.add(new Grant(account, verb.asText(), group.asText(), resource.asText(), name,
                                            namespace));
                                }
                            }
                        }
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /** Compares the chart's grants with the requests of its accounts. */
    public static Report compare(List<JsonNode> chart, List<Request> requests) {
        List<Grant> grants = grants(chart);
        Set<String> accounts = new TreeSet<>();
        grants.forEach(g -> accounts.add(g.account()));
        Map<Grant, Integer> used = new LinkedHashMap<>();
        List<Grant> unused = new ArrayList<>();
        for (Grant g : grants) {
            int n = (int) requests.stream().filter(g::usedBy).count();
            if (n > 0) {
                used.put(g, n);
            } else {
                unused.add(g);
            }
        }
        List<Request> refused = requests.stream().filter(r -> accounts.contains(r.user()))
                .filter(r -> r.code() == 401 || r.code() == 403).toList();
        List<Request> ungranted = requests.stream().filter(r -> accounts.contains(r.user()) && r.allowed())
                .filter(r -> !r.resource().isEmpty() && !r.selfReview())
                .filter(r -> grants.stream().noneMatch(g -> g.covers(r))).toList();
        return new Report(unused, used, refused, ungranted);
    }

    /** Prints the comparison of the chart as rendered with default values with the audit logs named. */
    public static void main(String[] args) {
        List<Path> logs = new ArrayList<>();
        for (String a : args) {
            Path p = Path.of(a);
            if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.list(p)) {
                    files.filter(f -> f.toString().endsWith(".log")).sorted().forEach(logs::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                logs.add(p);
            }
        }
        System.out.print(compare(ChartRbac.rbac(), read(logs)));
    }
}
