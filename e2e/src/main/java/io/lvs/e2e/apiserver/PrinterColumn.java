package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.lvs.e2e.apiserver.jsonpath.GoValues;
import io.lvs.e2e.apiserver.jsonpath.JsonPath;
import io.lvs.e2e.apiserver.jsonpath.JsonPathException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One column of server-side printing: a CRD's {@code additionalPrinterColumns} entry, turning an
 * object into a table cell the way the apiextensions-apiserver's table convertor does.
 *
 * @param jsonPath evaluated against the whole object; the first result is the cell
 */
public record PrinterColumn(String name, String type, String format, String description, int priority,
        JsonPath jsonPath) {

    /** The column a CRD version without printer columns gets, and the one built-in types get here. */
    public static PrinterColumn age() {
        return new PrinterColumn("Age", "date", "",
                "When the object was created (metadata.creationTimestamp).", 0,
                JsonPath.compile(".metadata.creationTimestamp"));
    }

    /**
     * The columns of one CRD version, {@link #age()} alone when it declares none.
     *
     * @throws JsonPathException if a column's path does not parse (the real server rejects such CRDs)
     */
    public static List<PrinterColumn> of(JsonNode crdVersion) {
        JsonNode declared = crdVersion.path("additionalPrinterColumns");
        if (!declared.isArray() || declared.isEmpty()) {
            return List.of(age());
        }
        List<PrinterColumn> columns = new ArrayList<>();
        for (JsonNode column : declared) {
            String path = column.path("jsonPath").asText();
            String description = column.path("description").asText("");
            columns.add(new PrinterColumn(
                    column.path("name").asText(),
                    column.path("type").asText(),
                    column.path("format").asText(""),
                    description.isEmpty() ? "Custom resource definition column (in JSONPath format): " + path
                            : description,
                    column.path("priority").asInt(0),
                    JsonPath.compile(path)));
        }
        return List.copyOf(columns);
    }

    /**
     * The cell for {@code object}: JSON null when the path selects nothing, fails to evaluate, or
     * selects a value that does not fit the column's type (kubectl prints {@code <none>}).
     */
    public JsonNode cell(JsonNode object, Instant now) {
        Optional<JsonNode> first;
        try {
            first = jsonPath.first(object);
        } catch (JsonPathException e) {
            return NullNode.getInstance();
        }
        if (first.isEmpty()) {
            return NullNode.getInstance();
        }
        JsonNode value = first.get();
        if (type.equals("string")) {
            return TextNode.valueOf(GoValues.text(value));
        }
        if (value.isNull()) {
            return NullNode.getInstance();
        }
        return switch (type) {
            case "integer" -> value.isNumber() ? LongNode.valueOf(value.longValue()) : NullNode.getInstance();
            case "number" -> value.isNumber() ? DoubleNode.valueOf(value.doubleValue()) : NullNode.getInstance();
            case "boolean" -> value.isBoolean() ? value : NullNode.getInstance();
            case "date" -> value.isTextual() ? TextNode.valueOf(age(value.textValue(), now)) : NullNode.getInstance();
            default -> NullNode.getInstance();
        };
    }

    /** metav1.Time's query-parameter parsing, then the human age; "" and "null" are the zero time. */
    static String age(String timestamp, Instant now) {
        if (timestamp.isEmpty() || timestamp.equals("null")) {
            return "<unknown>";
        }
        try {
            Instant then = OffsetDateTime.parse(timestamp).toInstant();
            return HumanDuration.of(Duration.between(then, now));
        } catch (DateTimeParseException e) {
            return "<invalid>";
        }
    }
}
