package io.lvs.api.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * kube-apiserver type-checks CEL rules against the schema when the CRD is created, so a rule that names a field that
 * does not exist is refused. The test harness evaluates rules with {@code self} dynamically typed and would not notice;
 * this test closes that gap: every {@code self.a.b} path in a rule must exist in the schema where the rule sits.
 */
class CelFieldReferencesTest {
    private static final Pattern SELF_PATH = Pattern.compile("\\bself((?:\\.[A-Za-z_][A-Za-z0-9_]*)+)(\\s*\\()?");

    @Test
    void everyFieldARuleNamesExists() {
        List<String> problems = new ArrayList<>();
        int rules = 0;
        for (var kind : Crds.FILES.keySet()) {
            rules += walk(Crds.schema(kind), kind.getSimpleName(), problems);
        }
        assertEquals(List.of(), problems);
        assertTrue(rules >= 30, "expected the CRDs' rules to be visited, saw " + rules);
    }

    private static int walk(JsonNode schema, String path, List<String> problems) {
        int count = 0;
        for (JsonNode rule : schema.path("x-kubernetes-validations")) {
            count++;
            String text = rule.path("rule").asText();
            Matcher m = SELF_PATH.matcher(text);
            while (m.find()) {
                List<String> segments = new ArrayList<>(List.of(m.group(1).substring(1).split("\\.")));
                if (m.group(2) != null) {
                    segments.removeLast(); // self.vip.contains(...): the last name is a function
                }
                JsonNode node = schema;
                for (String s : segments) {
                    node = node.path("properties").path(s);
                    if (node.isMissingNode()) {
                        problems.add(path + ": rule \"" + text + "\" names self." + String.join(".", segments)
                                + ", which is not in the schema");
                        break;
                    }
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            count += walk(p.getValue(), path + "." + p.getKey(), problems);
        }
        if (schema.has("items")) {
            count += walk(schema.get("items"), path + "[]", problems);
        }
        return count;
    }
}
