package io.lvs.e2e.apiserver.jsonpath;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes JSONPath expression (the {@code k8s.io/client-go/util/jsonpath} dialect) evaluated
 * against JSON, as the API server does for CRD printer columns.
 *
 * <p>Supported: fields ({@code .a.b}, {@code ['a']}, backslash-escaped dots), recursive descent
 * ({@code ..}), wildcards ({@code .*}, {@code [*]}), indexes and slices ({@code [0]}, {@code [-1]},
 * {@code [1:3:2]}), unions ({@code [0,2]}), filters ({@code [?(@.type=="Ready")]} with
 * {@code == != < > <= >= =~} and existence), quoted text and number/bool literals. Missing keys yield
 * no result rather than an error ({@code AllowMissingKeys(true)}, as for printer columns). Not
 * supported: {@code range}/{@code end} templates, which printer columns cannot use.
 */
public final class JsonPath {

    private static final Pattern SLICE = Pattern.compile("^(-?\\d*)(:-?\\d*)?(:-?\\d*)?$");
    private static final Pattern DICT_KEY = Pattern.compile("^'([^']*)'$");
    private static final Pattern FILTER = Pattern.compile("^([^!<>=]+)([!<>=~]+)(.+?)$");

    private final String expression;
    private final List<Node> nodes;

    private JsonPath(String expression, List<Node> nodes) {
        this.expression = expression;
        this.nodes = nodes;
    }

    /**
     * Parses a path the way the API server parses a printer column: wrapped in braces, so
     * {@code .status.phase} becomes the template {@code {.status.phase}}.
     *
     * @throws JsonPathException if the expression is not valid JSONPath
     */
    public static JsonPath compile(String expression) {
        return new JsonPath(expression, new Parser("{" + expression + "}").parseTemplate());
    }

    /** The expression as written, without the braces. */
    public String expression() {
        return expression;
    }

    /**
     * Every value the expression selects, in document order; empty when a key is missing.
     *
     * @throws JsonPathException on evaluation errors the real implementation reports (an index out
     *     of bounds, comparing values of different kinds, filtering a non-array)
     */
    public List<JsonNode> find(JsonNode document) {
        List<JsonNode> current = List.of(document);
        List<JsonNode> all = new ArrayList<>();
        for (Node node : nodes) {
            all.addAll(walk(current, node));
        }
        return all;
    }

    /** The first selected value, if any: what a printer column shows. */
    public Optional<JsonNode> first(JsonNode document) {
        List<JsonNode> results = find(document);
        return results.isEmpty() ? Optional.empty() : Optional.of(results.getFirst());
    }

    @Override
    public String toString() {
        return expression;
    }

    // ---- syntax tree -------------------------------------------------------------------------

    private sealed interface Node
            permits Sequence, Field, Wildcard, Recursive, Slice, Union, Filter, Literal, Identifier {}

    private record Sequence(List<Node> nodes) implements Node {}

    private record Field(String name) implements Node {}

    private record Wildcard() implements Node {}

    private record Recursive() implements Node {}

    /** One slot of {@code [start:end:step]}; {@code derived} marks the end implied by a single index. */
    private record SliceParam(boolean known, int value, boolean derived) {}

    private record Slice(SliceParam start, SliceParam end, SliceParam step) implements Node {}

    private record Union(List<Sequence> alternatives) implements Node {}

    private record Filter(Sequence left, Sequence right, String operator) implements Node {}

    /** Quoted text, a number or a boolean: evaluates to itself for every input. */
    private record Literal(JsonNode value) implements Node {}

    /** {@code range} / {@code end}: parsed for fidelity, rejected on evaluation. */
    private record Identifier(String name) implements Node {}

    // ---- evaluation --------------------------------------------------------------------------

    private List<JsonNode> walk(List<JsonNode> input, Node node) {
        return switch (node) {
            case Sequence sequence -> {
                List<JsonNode> current = input;
                for (Node child : sequence.nodes()) {
                    current = walk(current, child);
                }
                yield current;
            }
            case Field field -> field(input, field.name());
            case Wildcard ignored -> wildcard(input);
            case Recursive ignored -> recursive(input);
            case Slice slice -> slice(input, slice);
            case Union union -> {
                List<JsonNode> out = new ArrayList<>();
                for (Sequence alternative : union.alternatives()) {
                    out.addAll(walk(input, alternative));
                }
                yield out;
            }
            case Filter filter -> filter(input, filter);
            case Literal literal -> input.stream().map(ignored -> literal.value()).toList();
            case Identifier identifier ->
                    throw new JsonPathException("unrecognized identifier " + identifier.name());
        };
    }

    private static boolean isNil(JsonNode value) {
        return value == null || value.isNull() || value.isMissingNode();
    }

    private static List<JsonNode> field(List<JsonNode> input, String name) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode value : input) {
            if (!isNil(value) && value.isObject() && value.has(name)) {
                out.add(value.get(name));
            }
        }
        return out;
    }

    private static List<JsonNode> children(JsonNode value) {
        List<JsonNode> out = new ArrayList<>();
        if (value.isObject() || value.isArray()) {
            value.elements().forEachRemaining(out::add);
        } else if (value.isTextual()) {
            // Go indexes a string by byte: its "children" are numbers, which have none themselves.
            for (byte b : value.textValue().getBytes(StandardCharsets.UTF_8)) {
                out.add(LongNode.valueOf(b & 0xff));
            }
        }
        return out;
    }

    private static List<JsonNode> wildcard(List<JsonNode> input) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode value : input) {
            if (!isNil(value)) {
                out.addAll(children(value));
            }
        }
        return out;
    }

    /** Each container and, depth first, everything below it (scalars only as children). */
    private static List<JsonNode> recursive(List<JsonNode> input) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode value : input) {
            if (isNil(value)) {
                continue;
            }
            List<JsonNode> children = children(value);
            if (!children.isEmpty()) {
                out.add(value);
                out.addAll(recursive(children));
            }
        }
        return out;
    }

    private static List<JsonNode> slice(List<JsonNode> input, Slice slice) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode value : input) {
            if (isNil(value)) {
                continue;
            }
            if (!value.isArray()) {
                throw new JsonPathException(value.getNodeType() + " is not array or slice");
            }
            int length = value.size();
            int start = slice.start().known() ? slice.start().value() : 0;
            if (start < 0) {
                start += length;
            }
            int end = slice.end().known() ? slice.end().value() : length;
            if (end < 0 || (end == 0 && slice.end().derived())) {
                end += length;
            }
            if (start == end) {
                return out;
            }
            if (start >= length || start < 0) {
                throw new JsonPathException("array index out of bounds: index " + start + ", length " + length);
            }
            if (end > length || end < 0) {
                throw new JsonPathException("array index out of bounds: index " + (end - 1) + ", length " + length);
            }
            if (start > end) {
                throw new JsonPathException("starting index " + start + " is greater than ending index " + end);
            }
            int step = 1;
            if (slice.step().known()) {
                if (slice.step().value() <= 0) {
                    throw new JsonPathException("step must be > 0");
                }
                step = slice.step().value();
            }
            for (int i = start; i < end; i += step) {
                out.add(value.get(i));
            }
        }
        return out;
    }

    private List<JsonNode> filter(List<JsonNode> input, Filter filter) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode value : input) {
            if (isNil(value) || !value.isArray()) {
                throw new JsonPathException(value + " is not array or slice and cannot be filtered");
            }
            for (JsonNode element : value) {
                List<JsonNode> single = List.of(element);
                if (filter.operator().equals("exists")) {
                    if (!walkQuietly(single, filter.left()).isEmpty()) {
                        out.add(element);
                    }
                    continue;
                }
                List<JsonNode> lefts = walk(single, filter.left());
                if (lefts.isEmpty()) {
                    continue;
                }
                if (lefts.size() > 1) {
                    throw new JsonPathException("can only compare one element at a time");
                }
                List<JsonNode> rights = walk(single, filter.right());
                if (rights.isEmpty()) {
                    continue;
                }
                if (rights.size() > 1) {
                    throw new JsonPathException("can only compare one element at a time");
                }
                if (GoValues.compare(lefts.getFirst(), filter.operator(), rights.getFirst())) {
                    out.add(element);
                }
            }
        }
        return out;
    }

    /** Existence filters ignore evaluation errors, as client-go does. */
    private List<JsonNode> walkQuietly(List<JsonNode> input, Node node) {
        try {
            return walk(input, node);
        } catch (JsonPathException e) {
            return List.of();
        }
    }

    // ---- parsing -----------------------------------------------------------------------------

    /** A recursive-descent parser following client-go's grammar rune for rune. */
    private static final class Parser {
        private final String input;
        private int pos;
        private int start;

        Parser(String input) {
            this.input = input;
        }

        /** The nodes of every {@code {...}} action; text outside actions is not meaningful here. */
        List<Node> parseTemplate() {
            List<Node> actions = new ArrayList<>();
            while (pos < input.length()) {
                int open = input.indexOf('{', pos);
                if (open < 0) {
                    break;
                }
                if (open > pos) {
                    actions.add(new Literal(TextNode.valueOf(input.substring(pos, open))));
                }
                pos = open + 1;
                start = pos;
                List<Node> action = new ArrayList<>();
                parseInsideAction(action);
                actions.add(new Sequence(List.copyOf(action)));
            }
            if (pos < input.length()) {
                actions.add(new Literal(TextNode.valueOf(input.substring(pos))));
            }
            return List.copyOf(actions);
        }

        private static Sequence parseAction(String text) {
            Parser parser = new Parser("{" + text + "}");
            List<Node> nodes = parser.parseTemplate();
            return (Sequence) nodes.getFirst();
        }

        private String consume() {
            String text = input.substring(start, pos);
            start = pos;
            return text;
        }

        private int next() {
            if (pos >= input.length()) {
                pos++;
                return -1;
            }
            return input.charAt(pos++);
        }

        private int peek() {
            return pos < input.length() ? input.charAt(pos) : -1;
        }

        private void parseInsideAction(List<Node> current) {
            while (true) {
                if (input.startsWith("}", pos)) {
                    pos++;
                    consume();
                    return;
                }
                if (input.startsWith("[?(", pos)) {
                    parseFilter(current);
                    continue;
                }
                if (input.startsWith("..", pos)) {
                    parseRecursive(current);
                    continue;
                }
                int r = next();
                if (r == -1 || r == '\r' || r == '\n') {
                    throw new JsonPathException("unclosed action");
                } else if (r == ' ' || r == '@' || r == '$') {
                    consume();
                } else if (r == '[') {
                    parseArray(current);
                } else if (r == '"' || r == '\'') {
                    parseQuote(current, r);
                } else if (r == '.') {
                    parseField(current);
                } else if (r == '+' || r == '-' || Character.isDigit(r)) {
                    pos--;
                    parseNumber(current);
                } else if (isAlphaNumeric(r)) {
                    pos--;
                    parseIdentifier(current);
                } else {
                    throw new JsonPathException("unrecognized character in action: " + Character.toString(r));
                }
            }
        }

        private void parseIdentifier(List<Node> current) {
            while (!isTerminator(peek())) {
                pos++;
            }
            String value = consume();
            if (value.equals("true") || value.equals("false")) {
                current.add(new Literal(BooleanNode.valueOf(Boolean.parseBoolean(value))));
            } else {
                current.add(new Identifier(value));
            }
        }

        private void parseRecursive(List<Node> current) {
            if (!current.isEmpty() && current.getLast() instanceof Recursive) {
                throw new JsonPathException("invalid multiple recursive descent");
            }
            pos += 2;
            consume();
            current.add(new Recursive());
            if (isAlphaNumeric(peek())) {
                parseField(current);
            }
        }

        private void parseNumber(List<Node> current) {
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            while (peek() == '.' || (peek() >= 0 && Character.isDigit(peek()))) {
                pos++;
            }
            String value = consume();
            try {
                current.add(new Literal(LongNode.valueOf(Integer.parseInt(value))));
            } catch (NumberFormatException notInt) {
                try {
                    current.add(new Literal(DoubleNode.valueOf(Double.parseDouble(value))));
                } catch (NumberFormatException notFloat) {
                    throw new JsonPathException("cannot parse number " + value);
                }
            }
        }

        private void parseArray(List<Node> current) {
            while (true) {
                int r = next();
                if (r == -1 || r == '\n') {
                    throw new JsonPathException("unterminated array");
                }
                if (r == ']') {
                    break;
                }
            }
            String text = consume();
            text = text.substring(1, text.length() - 1);
            if (text.equals("*")) {
                text = ":";
            }
            String[] parts = text.split(",", -1);
            if (parts.length > 1) {
                List<Sequence> alternatives = new ArrayList<>();
                for (String part : parts) {
                    alternatives.add(parseAction("[" + part.strip() + "]"));
                }
                current.add(new Union(List.copyOf(alternatives)));
                return;
            }
            Matcher dict = DICT_KEY.matcher(text);
            if (dict.matches()) {
                current.addAll(parseAction("." + dict.group(1)).nodes());
                return;
            }
            Matcher slice = SLICE.matcher(text);
            if (!slice.matches()) {
                throw new JsonPathException("invalid array index " + text);
            }
            SliceParam[] params = new SliceParam[3];
            for (int i = 0; i < 3; i++) {
                String raw = slice.group(i + 1);
                if (raw != null && !raw.isEmpty()) {
                    String digits = i > 0 ? raw.substring(1) : raw;
                    params[i] = digits.isEmpty()
                            ? new SliceParam(false, 0, false)
                            : new SliceParam(true, parseIndex(digits), false);
                } else if (i == 1) {
                    params[i] = new SliceParam(true, params[0].value() + 1, true);
                } else {
                    params[i] = new SliceParam(false, 0, false);
                }
            }
            current.add(new Slice(params[0], params[1], params[2]));
        }

        private static int parseIndex(String digits) {
            try {
                return Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                throw new JsonPathException("array index " + digits + " is not a number");
            }
        }

        private void parseFilter(List<Node> current) {
            pos += 3;
            consume();
            boolean begin = false;
            boolean end = false;
            int pair = 0;
            loop:
            while (true) {
                int r = next();
                switch (r) {
                    case -1, '\n' -> throw new JsonPathException("unterminated filter");
                    case '"', '\'' -> {
                        if (!begin) {
                            begin = true;
                            pair = r;
                        } else if (input.charAt(pos - 2) != '\\' && r == pair) {
                            end = true;
                        }
                    }
                    case ')' -> {
                        if (begin == end) {
                            break loop;
                        }
                    }
                    default -> { }
                }
            }
            if (next() != ']') {
                throw new JsonPathException("unclosed array expect ]");
            }
            String text = consume();
            text = text.substring(0, text.length() - 2);
            Matcher comparison = FILTER.matcher(text);
            if (!comparison.matches()) {
                current.add(new Filter(parseAction(text), new Sequence(List.of()), "exists"));
            } else {
                current.add(new Filter(parseAction(comparison.group(1)), parseAction(comparison.group(3)),
                        comparison.group(2)));
            }
        }

        private void parseQuote(List<Node> current, int quote) {
            while (true) {
                int r = next();
                if (r == -1 || r == '\n') {
                    throw new JsonPathException("unterminated quoted string");
                }
                if (r == quote && input.charAt(pos - 2) != '\\') {
                    break;
                }
            }
            String quoted = consume();
            current.add(new Literal(TextNode.valueOf(unquote(quoted))));
        }

        private static String unquote(String quoted) {
            String body = quoted.substring(1, quoted.length() - 1);
            StringBuilder out = new StringBuilder(body.length());
            for (int i = 0; i < body.length(); i++) {
                char c = body.charAt(i);
                if (c != '\\' || i + 1 == body.length()) {
                    out.append(c);
                    continue;
                }
                char escaped = body.charAt(++i);
                out.append(switch (escaped) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    default -> escaped;
                });
            }
            return out.toString();
        }

        private void parseField(List<Node> current) {
            consume();
            while (true) {
                int r = next();
                if (r == '\\') {
                    next();
                } else if (isTerminator(r)) {
                    pos--;
                    break;
                }
            }
            String value = consume();
            if (value.equals("*")) {
                current.add(new Wildcard());
            } else {
                current.add(new Field(value.replace("\\", "")));
            }
        }

        private static boolean isTerminator(int r) {
            return switch (r) {
                case -1, ' ', '\t', '\r', '\n', '.', ',', '[', ']', '$', '@', '{', '}' -> true;
                default -> false;
            };
        }

        private static boolean isAlphaNumeric(int r) {
            return r == '_' || (r >= 0 && Character.isLetterOrDigit(r));
        }
    }
}
