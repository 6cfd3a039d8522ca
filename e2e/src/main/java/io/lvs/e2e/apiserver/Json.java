package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Optional;

/** JSON reading and writing for the server's documents, with one shared mapper. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array(Collection<String> values) {
        ArrayNode array = MAPPER.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    /**
     * Why {@code text} is not a JSON document, in a sentence for a 400, or empty when it is one. Documents nested deeper
     * than this server's reader goes (1,000 levels; a real API server reads up to 10,000) are named as such.
     */
    static Optional<String> problem(String text) {
        try {
            MAPPER.readTree(text);
            return Optional.empty();
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            return Optional.of("the request body nests JSON deeper than the "
                    + MAPPER.getFactory().streamReadConstraints().getMaxNestingDepth()
                    + " levels this test API server reads");
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage();
            return Optional.of("the request body is not valid JSON: " + (m == null ? e.getClass().getSimpleName()
                    : m.lines().findFirst().orElse(m)));
        }
    }

    /** The parsed document, or empty when {@code text} is not JSON. */
    static Optional<JsonNode> parse(String text) {
        try {
            return Optional.of(MAPPER.readTree(text));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}
