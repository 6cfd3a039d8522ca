package io.lvs.e2e.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lvs.e2e.apiserver.jsonpath.JsonPath;
import io.lvs.e2e.apiserver.jsonpath.JsonPathException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cells typed the way the apiextensions-apiserver's table convertor types them. */
class PrinterColumnTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final JsonNode OBJECT = Json.parse("""
            {"metadata": {"name": "web", "creationTimestamp": "2026-11-25T11:55:30Z"},
             "spec": {"port": 80, "weight": 2.7, "vip": "192.0.2.10", "on": true, "tags": {"b": 1, "a": 2},
                      "when": "2026-11-25T09:00:00+01:00", "bad": "yesterday", "empty": ""}}
            """).orElseThrow();

    private static String cell(String type, String path) {
        JsonNode cell = new PrinterColumn("C", type, "", "", 0, JsonPath.compile(path)).cell(OBJECT, NOW);
        return cell.isNull() ? "null" : cell.toString();
    }

    @ParameterizedTest(name = "{0} column at {1} holds {2}")
    @CsvSource(delimiter = ';', value = {
        "string;  .spec.vip;                \"192.0.2.10\"",
        "string;  .spec.port;               \"80\"",
        "string;  .spec.tags;               \"{\\\"a\\\":2,\\\"b\\\":1}\"",
        "string;  .spec.missing;            null",
        "integer; .spec.port;               80",
        "integer; .spec.weight;             2",
        "integer; .spec.vip;                null",
        "number;  .spec.port;               80.0",
        "number;  .spec.weight;             2.7",
        "boolean; .spec.on;                 true",
        "boolean; .spec.vip;                null",
        "date;    .metadata.creationTimestamp; \"4m30s\"",
        "date;    .spec.when;               \"4h\"",
        "date;    .spec.bad;                \"<invalid>\"",
        "date;    .spec.empty;              \"<unknown>\"",
        "date;    .spec.port;               null",
        "integer; .spec.port[0];            null",
        "unknown; .spec.port;               null",
    })
    void cellsFollowTheColumnType(String type, String path, String expected) {
        assertEquals(expected, cell(type, path));
    }

    @Test
    void aVersionWithoutColumnsGetsAge() {
        List<PrinterColumn> columns = PrinterColumn.of(Json.parse("{\"name\": \"v1\"}").orElseThrow());
        assertEquals(List.of("Age"), columns.stream().map(PrinterColumn::name).toList());
        assertEquals("date", columns.getFirst().type());
    }

    @Test
    void aColumnWithoutDescriptionIsDescribedByItsPath() {
        List<PrinterColumn> columns = PrinterColumn.of(Json.parse("""
                {"additionalPrinterColumns": [{"name": "VIP", "type": "string", "jsonPath": ".spec.vip"},
                  {"name": "Port", "type": "integer", "jsonPath": ".spec.port", "priority": 1,
                   "description": "The port."}]}
                """).orElseThrow());
        assertEquals("Custom resource definition column (in JSONPath format): .spec.vip",
                columns.get(0).description());
        assertEquals("The port.", columns.get(1).description());
        assertEquals(1, columns.get(1).priority());
    }

    @Test
    void aColumnThatDoesNotParseIsRejected() {
        assertThrows(JsonPathException.class, () -> PrinterColumn.of(Json.parse("""
                {"additionalPrinterColumns": [{"name": "X", "type": "string", "jsonPath": ".spec[0"}]}
                """).orElseThrow()));
    }

    @Test
    void theTableNamesEveryRowFirstAndCarriesItsMetadata() {
        ResourceType type = new ResourceType("e2e.lvs.io", "v1alpha1", "Frontend", "frontends", "frontend", true,
                List.of(), List.of(), List.of(), List.of(new PrinterColumn("VIP", "string", "", "", 0,
                        JsonPath.compile(".spec.vip"))), Optional.empty(), true, List.of());
        JsonNode table = ServerSideTable.render(type, List.of(OBJECT), "7", ServerSideTable.IncludeObject.METADATA,
                "v1", true, NOW);
        assertEquals("meta.k8s.io/v1", table.path("apiVersion").asText());
        assertEquals("Name", table.path("columnDefinitions").get(0).path("name").asText());
        assertEquals("name", table.path("columnDefinitions").get(0).path("format").asText());
        assertEquals("[\"web\",\"192.0.2.10\"]", table.path("rows").get(0).path("cells").toString());
        JsonNode object = table.path("rows").get(0).path("object");
        assertEquals("PartialObjectMetadata", object.path("kind").asText());
        assertEquals("web", object.path("metadata").path("name").asText());
        assertTrue(object.path("spec").isMissingNode());
        assertEquals("7", table.path("metadata").path("resourceVersion").asText());
    }
}
