package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.runtime.CelEvaluationException;
import io.fabric8.mockwebserver.http.MockResponse;
import io.lvs.apiserver.model.CelValues;
import io.lvs.apiserver.model.KubernetesCel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Validating admission by ValidatingAdmissionPolicies ({@code admissionregistration.k8s.io/v1}), as kube-apiserver
 * runs it after a write is decoded, defaulted and validated and before it is stored: every binding whose policy and
 * own {@code matchResources} match the request (resource rules with operations, groups, versions, resources and
 * subresources, scope and resourceNames; exclusions; namespace and object label selectors) and whose policy's
 * {@code matchConditions} all hold has the policy's {@code validations} evaluated in order (with its
 * {@code variables}); the first that fails denies the request if the binding's {@code validationActions} include
 * Deny, with the real server's answer: 422 Invalid (or the validation's {@code reason}),
 * {@code <resource> "<name>" is forbidden: ValidatingAdmissionPolicy '<policy>' with binding '<binding>' denied
 * request: <message>}. An expression that fails to evaluate counts by the policy's {@code failurePolicy} (Fail
 * unless Ignore). Not supported: {@code paramKind} (a policy with one fails by its failurePolicy), audit
 * annotations, the Warn and Audit actions (they admit), {@code matchPolicy: Equivalent} across versions. The
 * expressions run in apiserver-model's {@link KubernetesCel} admission environment, the one the CRD rules use.
 */
final class AdmissionPolicies {
    static final String GROUP = "admissionregistration.k8s.io";
    private static final String PREFIX = "/apis/" + GROUP + "/v1";

    /** The admission operation of a write. */
    enum Operation { CREATE, UPDATE, DELETE }

    /**
     * One write to admit.
     *
     * @param object the object as it would be stored (empty on DELETE)
     * @param oldObject the stored object (empty on CREATE)
     */
    record Request(Operation operation, ResourceType type, ResourcePath path, Optional<JsonNode> object,
            Optional<JsonNode> oldObject, UserInfo user) {
        String name() {
            return path.name().orElseGet(() -> object.map(o -> o.path("metadata").path("name").asText("")).orElse(""));
        }

        String namespace() {
            return type.namespaced() ? path.namespace().orElse("") : "";
        }

        String subresource() {
            return path.subresource().orElse("");
        }
    }

    private record Snapshot(long generation, Map<String, JsonNode> policies, List<JsonNode> bindings) {
    }

    private final Function<String, List<JsonNode>> list;
    private final Function<String, Optional<JsonNode>> get;
    private final AtomicLong writes = new AtomicLong();
    private volatile Snapshot snapshot;

    /**
     * @param list the stored objects of a collection path
     * @param get a stored object by its path (namespaces, for namespace selectors)
     */
    AdmissionPolicies(Function<String, List<JsonNode>> list, Function<String, Optional<JsonNode>> get) {
        this.list = list;
        this.get = get;
    }

    /** Called after each write to a policy or binding. */
    void invalidate() {
        writes.incrementAndGet();
    }

    /** The refusal of {@code request}, or empty when every matching policy admits it. */
    Optional<MockResponse> validate(Request request) {
        Snapshot s = snapshot();
        if (s.bindings().isEmpty()) {
            return Optional.empty();
        }
        Inputs inputs = new Inputs(request);
        for (JsonNode binding : s.bindings()) {
            JsonNode policy = s.policies().get(binding.path("spec").path("policyName").asText());
            if (policy == null) {
                continue; // a binding of a policy that does not exist (yet) does nothing
            }
            Optional<Denial> denial = evaluate(policy, binding, request, inputs);
            if (denial.isPresent() && strings(binding.path("spec").path("validationActions")).contains("Deny")) {
                return Optional.of(denial.get().response(policy, binding, request));
            }
        }
        return Optional.empty();
    }

    /** Why a policy denies: its message, and the Status reason to answer with. */
    private record Denial(String message, String reason) {
        MockResponse response(JsonNode policy, JsonNode binding, Request request) {
            String cause = "ValidatingAdmissionPolicy '" + policy.path("metadata").path("name").asText() + "' with binding '"
                    + binding.path("metadata").path("name").asText() + "' denied request: " + message;
            String name = request.name();
            String groupResource = request.type().groupResource();
            ObjectNode status = Responses.failureStatus(reason, name.isEmpty() ? groupResource + " is forbidden: " + cause
                    : groupResource + " \"" + name + "\" is forbidden: " + cause);
            ObjectNode details = status.putObject("details");
            if (!name.isEmpty()) {
                details.put("name", name);
            }
            if (!request.type().group().isEmpty()) {
                details.put("group", request.type().group());
            }
            details.put("kind", request.type().plural());
            details.putArray("causes").addObject().put("message", cause);
            int code = switch (reason) {
                case "Unauthorized" -> 401;
                case "Forbidden" -> 403;
                case "RequestEntityTooLarge" -> 413;
                default -> 422;
            };
            status.put("code", code);
            return Responses.json(code, status);
        }
    }

    private Optional<Denial> evaluate(JsonNode policy, JsonNode binding, Request request, Inputs base) {
        JsonNode spec = policy.path("spec");
        boolean failClosed = !spec.path("failurePolicy").asText("Fail").equals("Ignore");
        Optional<String> matchError;
        try {
            if (!matches(spec.path("matchConstraints"), request)
                    || binding.path("spec").has("matchResources") && !matches(binding.path("spec").path("matchResources"),
                    request)) {
                return Optional.empty();
            }
            matchError = Optional.empty();
        } catch (IllegalStateException e) {
            matchError = Optional.of(e.getMessage());
        }
        if (matchError.isPresent()) {
            return failClosed ? Optional.of(new Denial(matchError.get(), "Invalid")) : Optional.empty();
        }
        if (spec.has("paramKind")) {
            return failClosed ? Optional.of(new Denial("policy " + policy.path("metadata").path("name").asText()
                    + " has a paramKind: parameters are not supported by the embedded API server", "Invalid"))
                    : Optional.empty();
        }
        Map<String, Object> inputs = new HashMap<>(base.values());
        Map<String, Object> variables = new LinkedHashMap<>();
        Map<String, String> variableErrors = new HashMap<>();
        inputs.put("variables", variables);
        for (JsonNode v : spec.path("variables")) {
            String name = v.path("name").asText();
            try {
                variables.put(name, KubernetesCel.evaluateAdmission(v.path("expression").asText(), inputs));
            } catch (CelEvaluationException e) {
                variableErrors.put(name, "composited variable \"" + name + "\" fails to evaluate: " + e.getMessage());
            }
        }
        for (JsonNode condition : spec.path("matchConditions")) {
            String expression = condition.path("expression").asText();
            Optional<String> failed = variableError(expression, variableErrors);
            Object result;
            try {
                if (failed.isPresent()) {
                    throw new CelEvaluationException(failed.get());
                }
                result = KubernetesCel.evaluateAdmission(expression, inputs);
            } catch (CelEvaluationException e) {
                return failClosed ? Optional.of(new Denial("failed to evaluate matchCondition '"
                        + condition.path("name").asText() + "': " + e.getMessage(), "Invalid")) : Optional.empty();
            }
            if (!Boolean.TRUE.equals(result)) {
                return Optional.empty(); // a condition that does not hold: the policy does not apply
            }
        }
        for (JsonNode validation : spec.path("validations")) {
            String expression = validation.path("expression").asText();
            Object result;
            try {
                Optional<String> failed = variableError(expression, variableErrors);
                if (failed.isPresent()) {
                    throw new CelEvaluationException(failed.get());
                }
                result = KubernetesCel.evaluateAdmission(expression, inputs);
            } catch (CelEvaluationException e) {
                if (failClosed) {
                    return Optional.of(new Denial("expression '" + expression + "' resulted in error: " + e.getMessage(),
                            "Invalid"));
                }
                continue;
            }
            if (!Boolean.TRUE.equals(result)) {
                return Optional.of(new Denial(message(validation, inputs), validation.path("reason").asText("Invalid")));
            }
        }
        return Optional.empty();
    }

    /** The failure message: messageExpression's single line if it makes one, else message, else the expression. */
    private static String message(JsonNode validation, Map<String, Object> inputs) {
        if (validation.has("messageExpression")) {
            try {
                Object m = KubernetesCel.evaluateAdmission(validation.path("messageExpression").asText(), inputs);
                if (m instanceof String s && !s.strip().isEmpty() && !s.contains("\n") && s.strip().length() <= 5 * 1024) {
                    return s.strip();
                }
            } catch (CelEvaluationException e) {
                // as on a real server: the message falls back to the literal one
            }
        }
        String message = validation.path("message").asText("").strip();
        return message.isEmpty() ? "failed expression: " + validation.path("expression").asText().strip() : message;
    }

    /** The error of a variable {@code expression} uses ({@code variables.NAME}), if one failed. */
    private static Optional<String> variableError(String expression, Map<String, String> errors) {
        return errors.entrySet().stream()
                .filter(e -> expression.matches("(?s).*\\bvariables\\s*\\.\\s*" + java.util.regex.Pattern.quote(e.getKey())
                        + "\\b.*"))
                .map(Map.Entry::getValue).findFirst();
    }

    /** The variables every policy sees for one request, made once (when a policy first matches). */
    private final class Inputs {
        private final Request request;
        private Map<String, Object> values;

        Inputs(Request request) {
            this.request = request;
        }

        Map<String, Object> values() {
            if (values == null) {
                values = new HashMap<>();
                values.put("object", request.object().map(CelValues::unstructured).orElse(CelValues.NULL));
                values.put("oldObject", request.oldObject().map(CelValues::unstructured).orElse(CelValues.NULL));
                values.put("params", CelValues.NULL);
                values.put("namespaceObject", request.namespace().isEmpty() ? CelValues.NULL
                        : namespace(request.namespace()).map(CelValues::unstructured).orElse(CelValues.NULL));
                values.put("request", CelValues.unstructured(admissionRequest(request)));
            }
            return values;
        }
    }

    /** The AdmissionRequest as CEL sees it: its JSON, empty optional fields left out. */
    static JsonNode admissionRequest(Request r) {
        ObjectNode req = Json.object();
        req.put("uid", UUID.randomUUID().toString());
        ObjectNode kind = req.putObject("kind");
        kind.put("group", r.type().group()).put("version", r.type().version()).put("kind", r.type().kind());
        ObjectNode resource = req.putObject("resource");
        resource.put("group", r.type().group()).put("version", r.type().version()).put("resource", r.type().plural());
        if (!r.subresource().isEmpty()) {
            req.put("subResource", r.subresource());
        }
        req.set("requestKind", kind.deepCopy());
        req.set("requestResource", resource.deepCopy());
        if (!r.subresource().isEmpty()) {
            req.put("requestSubResource", r.subresource());
        }
        if (!r.name().isEmpty()) {
            req.put("name", r.name());
        }
        if (!r.namespace().isEmpty()) {
            req.put("namespace", r.namespace());
        }
        req.put("operation", r.operation().name());
        ObjectNode user = req.putObject("userInfo");
        if (!r.user().name().isEmpty()) {
            user.put("username", r.user().name());
        }
        if (!r.user().uid().isEmpty()) {
            user.put("uid", r.user().uid());
        }
        if (!r.user().groups().isEmpty()) {
            user.set("groups", Json.array(r.user().groups()));
        }
        if (!r.user().extra().isEmpty()) {
            ObjectNode extra = user.putObject("extra");
            r.user().extra().forEach((k, v) -> extra.set(k, Json.array(v)));
        }
        req.put("dryRun", false);
        ObjectNode options = req.putObject("options");
        options.put("apiVersion", "meta.k8s.io/v1").put("kind", switch (r.operation()) {
            case CREATE -> "CreateOptions";
            case UPDATE -> "UpdateOptions";
            case DELETE -> "DeleteOptions";
        });
        return req;
    }

    /** Whether {@code match} (a policy's matchConstraints or a binding's matchResources) takes the request. */
    private boolean matches(JsonNode match, Request request) {
        if (!match.isObject()) {
            return false; // a policy must say what it matches (the API requires it); without it nothing
        }
        boolean ruled = match.path("resourceRules").isEmpty(); // a binding may narrow by selectors alone
        for (JsonNode rule : match.path("resourceRules")) {
            ruled |= ruleMatches(rule, request);
        }
        if (!ruled) {
            return false;
        }
        for (JsonNode rule : match.path("excludeResourceRules")) {
            if (ruleMatches(rule, request)) {
                return false;
            }
        }
        if (!selects(match.path("objectSelector"), request.object()) && !selects(match.path("objectSelector"),
                request.oldObject())) {
            return false;
        }
        JsonNode namespaceSelector = match.path("namespaceSelector");
        if (!isEmptySelector(namespaceSelector)) {
            if (request.type().plural().equals("namespaces") && request.type().group().isEmpty()) {
                return selects(namespaceSelector, request.object().or(request::oldObject));
            }
            if (request.namespace().isEmpty()) {
                return true; // other cluster-scoped objects are never skipped by a namespace selector
            }
            Optional<JsonNode> ns = namespace(request.namespace());
            if (ns.isEmpty()) {
                throw new IllegalStateException("namespace \"" + request.namespace() + "\" not found");
            }
            return selects(namespaceSelector, ns);
        }
        return true;
    }

    private static boolean ruleMatches(JsonNode rule, Request r) {
        String scope = rule.path("scope").asText("*");
        boolean scopeOk = scope.equals("*") || scope.equals("Cluster") && !r.type().namespaced()
                || scope.equals("Namespaced") && r.type().namespaced();
        List<String> names = strings(rule.path("resourceNames"));
        return scopeOk && any(rule.path("operations"), r.operation().name())
                && any(rule.path("apiGroups"), r.type().group()) && any(rule.path("apiVersions"), r.type().version())
                && resourceMatches(strings(rule.path("resources")), r.type().plural(), r.subresource())
                && (names.isEmpty() || names.contains(r.name()));
    }

    private static boolean resourceMatches(List<String> resources, String resource, String subresource) {
        for (String res : resources) {
            int slash = res.indexOf('/');
            String main = slash < 0 ? res : res.substring(0, slash);
            String sub = slash < 0 ? "" : res.substring(slash + 1);
            if ((main.equals("*") || main.equals(resource)) && (sub.equals("*") || sub.equals(subresource))) {
                return true;
            }
        }
        return false;
    }

    private static boolean any(JsonNode values, String value) {
        List<String> list = strings(values);
        return list.contains("*") || list.contains(value);
    }

    private static boolean isEmptySelector(JsonNode selector) {
        return !selector.isObject() || selector.path("matchLabels").isEmpty() && selector.path("matchExpressions").isEmpty();
    }

    /** Whether a label selector (matchLabels, matchExpressions) selects the object; an empty one selects all. */
    static boolean selects(JsonNode selector, Optional<JsonNode> object) {
        if (isEmptySelector(selector)) {
            return true;
        }
        if (object.isEmpty()) {
            return false;
        }
        JsonNode labels = object.get().path("metadata").path("labels");
        var it = selector.path("matchLabels").fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!labels.path(e.getKey()).isTextual() || !labels.path(e.getKey()).asText().equals(e.getValue().asText())) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String key = expression.path("key").asText();
            List<String> values = strings(expression.path("values"));
            boolean has = labels.has(key);
            boolean ok = switch (expression.path("operator").asText()) {
                case "In" -> has && values.contains(labels.path(key).asText());
                case "NotIn" -> !has || !values.contains(labels.path(key).asText());
                case "Exists" -> has;
                case "DoesNotExist" -> !has;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private Optional<JsonNode> namespace(String name) {
        return get.apply("/api/v1/namespaces/" + name);
    }

    private Snapshot snapshot() {
        long generation = writes.get();
        Snapshot cached = snapshot;
        if (cached != null && cached.generation() == generation) {
            return cached;
        }
        Map<String, JsonNode> policies = new HashMap<>();
        for (JsonNode p : list.apply(PREFIX + "/validatingadmissionpolicies")) {
            policies.put(p.path("metadata").path("name").asText(), p);
        }
        List<JsonNode> bindings = new ArrayList<>(list.apply(PREFIX + "/validatingadmissionpolicybindings"));
        bindings.sort(java.util.Comparator.comparing(b -> b.path("metadata").path("name").asText()));
        Snapshot s = new Snapshot(generation, Map.copyOf(policies), List.copyOf(bindings));
        snapshot = s;
        return s;
    }

    private static List<String> strings(JsonNode array) {
        return Rbac.strings(array);
    }
}
