package io.lvs.e2e.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Label and field selectors, including the set-based forms the mock store ignores. */
class SelectorTest {

    private static final JsonNode EVENT = Json.parse("""
            {"metadata": {"name": "web.1", "namespace": "default", "labels": {"tier": "gold", "app": "web"}},
             "involvedObject": {"kind": "Frontend", "name": "web"}, "count": 3}
            """).orElseThrow();

    @ParameterizedTest(name = "labels \"{0}\" match: {1}")
    @CsvSource(delimiter = ';', value = {
        "tier=gold; true",
        "tier==gold; true",
        "tier!=gold; false",
        "tier!=silver; true",
        "missing!=x; true",
        "tier in (gold, silver); true",
        "tier notin (gold,silver); false",
        "missing notin (a); true",
        "tier; true",
        "!tier; false",
        "!missing; true",
        "tier=gold,app in (web),!missing; true",
        "tier=gold,app=db; false",
        "''; true",
    })
    void labelSelectors(String selector, boolean matches) {
        assertEquals(matches, Selector.labels(selector).matches(EVENT));
    }

    @ParameterizedTest(name = "fields \"{0}\" match: {1}")
    @CsvSource(delimiter = ';', value = {
        "metadata.name=web.1; true",
        "metadata.namespace==default; true",
        "involvedObject.kind=Frontend,involvedObject.name=web; true",
        "involvedObject.name!=web; false",
        "count=3; true",
        "spec.nodeName=; true",
        "spec.nodeName!=; false",
    })
    void fieldSelectors(String selector, boolean matches) {
        assertEquals(matches, Selector.fields(selector).matches(EVENT));
    }

    @ParameterizedTest(name = "\"{0}\" is rejected")
    @CsvSource(delimiter = ';', value = {"tier in gold", "a b"})
    void malformedLabelSelectorsAreRejected(String selector) {
        assertThrows(IllegalArgumentException.class, () -> Selector.labels(selector));
    }
}
