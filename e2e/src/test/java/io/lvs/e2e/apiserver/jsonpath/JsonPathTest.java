package io.lvs.e2e.apiserver.jsonpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Printer-column paths evaluated as client-go's JSONPath evaluates them. */
class JsonPathTest {

    private static final JsonNode FRONTEND = json("""
            {"metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "lvs"}},
             "spec": {"vip": "192.0.2.10", "port": 80, "weight": 1.5, "enabled": true, "nothing": null,
                      "backends": ["a", "b", "c"], "tuning": {"z": 1, "a": "<x>"}},
             "status": {"conditions": [{"type": "Degraded", "status": "False"},
                                       {"type": "Ready", "status": "True", "count": 2}]}}
            """);

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Each selected value printed as a string column prints it, joined by "|". */
    private static String texts(String path) {
        return String.join("|", JsonPath.compile(path).find(FRONTEND).stream().map(GoValues::text).toList());
    }

    @ParameterizedTest(name = "{0} selects {1}")
    @CsvSource(delimiter = ';', value = {
        ".spec.vip;                                          192.0.2.10",
        ".spec.port;                                         80",
        ".spec.weight;                                       1.5",
        ".spec.enabled;                                      true",
        ".spec.nothing;                                      <no value>",
        ".status.conditions[?(@.type==\"Ready\")].status;     True",
        ".status.conditions[?(@.type == 'Ready')].status;    True",
        ".status.conditions[?(@.type!=\"Ready\")].status;     False",
        ".status.conditions[?(@.count)].type;                Ready",
        ".status.conditions[?(@.count>1)].type;              Ready",
        ".status.conditions[?(@.type=~\"^Deg\")].type;        Degraded",
        ".spec.backends[0];                                  a",
        ".spec.backends[-1];                                 c",
        ".spec.backends[0:2];                                a|b",
        ".spec.backends[*];                                  a|b|c",
        ".spec.backends[::2];                                a|c",
        ".spec.backends[0,2];                                a|c",
        ".spec.backends[1:1];                                ''",
        ".metadata.labels.app\\.kubernetes\\.io/name;        lvs",
        "['metadata']['name'];                               web",
        "..name;                                             web",
        ".spec.backends;                                     [\"a\",\"b\",\"c\"]",
        ".spec.tuning;                                       {\"a\":\"\\u003cx\\u003e\",\"z\":1}",
        ".spec.missing;                                      ''",
        ".spec.missing.deeper;                               ''",
    })
    void selectsWhatClientGoSelects(String path, String expected) {
        assertEquals(expected, texts(path));
    }

    @Test
    void aPrinterColumnShowsOnlyTheFirstResult() {
        assertEquals("a", GoValues.text(JsonPath.compile(".spec.backends[*]").first(FRONTEND).orElseThrow()));
    }

    @ParameterizedTest(name = "{0} fails to evaluate")
    @CsvSource(delimiter = ';', value = {
        ".spec.backends[5]",
        ".spec.vip[0]",
        ".spec.vip[?(@.x)]",
        ".status.conditions[?(@.count==2.0)].type",
        ".status.conditions[?(@.type<true)].type",
        ".spec.backends[2:1]",
        "range",
    })
    void evaluationErrorsAreReportedNotGuessed(String path) {
        assertThrows(JsonPathException.class, () -> JsonPath.compile(path).find(FRONTEND));
    }

    @ParameterizedTest(name = "{0} does not parse")
    @CsvSource(delimiter = ';', value = {
        ".spec.backends[0",
        ".status.conditions[?(@.type==\"Ready\"]",
        ".spec....vip",
        ".spec.backends[x]",
        ".spec[?(@.a==1)",
        "+x",
    })
    void malformedPathsAreRejected(String path) {
        assertThrows(JsonPathException.class, () -> JsonPath.compile(path));
    }

    @Test
    void recursiveDescentVisitsContainersThenTheirChildren() {
        List<JsonNode> all = JsonPath.compile("..type").find(FRONTEND);
        assertEquals(List.of("Degraded", "Ready"), all.stream().map(JsonNode::asText).toList());
    }

    @Test
    void missingKeysGiveNoResultEvenBelowArrays() {
        assertTrue(JsonPath.compile(".status.conditions[*].reason").find(FRONTEND).isEmpty());
    }
}
