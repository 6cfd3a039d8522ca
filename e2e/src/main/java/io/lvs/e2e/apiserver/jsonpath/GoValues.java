package io.lvs.e2e.apiserver.jsonpath;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * JSON values compared and printed the way Go's templates, {@code fmt} and {@code encoding/json}
 * do, so that text the embedded API server renders matches a real API server's byte for byte.
 */
public final class GoValues {

    private GoValues() {}

    /** Go's "basic kinds" that template comparisons distinguish. */
    private enum Kind { BOOL, INT, FLOAT, STRING }

    private static Kind kind(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            throw new JsonPathException("invalid type for comparison");
        }
        if (value.isBoolean()) {
            return Kind.BOOL;
        }
        if (value.isIntegralNumber()) {
            return Kind.INT;
        }
        if (value.isNumber()) {
            return Kind.FLOAT;
        }
        if (value.isTextual()) {
            return Kind.STRING;
        }
        throw new JsonPathException("invalid type for comparison");
    }

    /**
     * A filter comparison with client-go's rules: both sides must be of the same kind (an integer
     * never equals a float), ordering is defined for numbers and strings only, {@code =~} is an
     * unanchored regular-expression search on strings.
     *
     * @throws JsonPathException when Go would report an incompatible or invalid comparison
     */
    public static boolean compare(JsonNode left, String operator, JsonNode right) {
        return switch (operator) {
            case "==" -> equal(left, right);
            case "!=" -> !equal(left, right);
            case "<" -> less(left, right);
            case ">" -> !(less(left, right) || equal(left, right));
            case "<=" -> less(left, right) || equal(left, right);
            case ">=" -> !less(left, right);
            case "=~" -> {
                if (!left.isTextual() || !right.isTextual()) {
                    throw new JsonPathException("regexp search only supports strings");
                }
                yield Pattern.compile(right.textValue()).matcher(left.textValue()).find();
            }
            default -> throw new JsonPathException("unrecognized filter operator " + operator);
        };
    }

    private static Kind sameKind(JsonNode left, JsonNode right) {
        Kind kind = kind(left);
        if (kind != kind(right)) {
            throw new JsonPathException("incompatible types for comparison");
        }
        return kind;
    }

    private static boolean equal(JsonNode left, JsonNode right) {
        return switch (sameKind(left, right)) {
            case BOOL -> left.booleanValue() == right.booleanValue();
            case INT -> left.bigIntegerValue().equals(right.bigIntegerValue());
            case FLOAT -> left.doubleValue() == right.doubleValue();
            case STRING -> left.textValue().equals(right.textValue());
        };
    }

    private static boolean less(JsonNode left, JsonNode right) {
        return switch (sameKind(left, right)) {
            case BOOL -> throw new JsonPathException("invalid type for comparison");
            case INT -> left.bigIntegerValue().compareTo(right.bigIntegerValue()) < 0;
            case FLOAT -> left.doubleValue() < right.doubleValue();
            case STRING -> left.textValue().compareTo(right.textValue()) < 0;
        };
    }

    /**
     * The text client-go's {@code JSONPath.PrintResults} writes for one value: objects and arrays
     * as compact JSON, strings raw, numbers as Go's {@code %v}, JSON null as {@code <no value>}.
     */
    public static String text(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "<no value>";
        }
        if (value.isContainerNode()) {
            StringBuilder out = new StringBuilder();
            writeJson(value, out);
            return out.toString();
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue().toString();
        }
        if (value.isNumber()) {
            return formatFloat(value.doubleValue());
        }
        return value.asText();
    }

    /** Go's {@code fmt.Sprint(float64)}: shortest digits, exponent form below 1e-4 and from 1e6. */
    public static String formatFloat(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        Digits digits = Digits.of(value);
        int exponent = digits.pointPosition() - 1;
        if (digits.isZero()) {
            return digits.sign() + "0";
        }
        if (exponent < -4 || exponent >= 6) {
            return digits.sign() + digits.scientific(2);
        }
        return digits.sign() + digits.plain();
    }

    /** Go's {@code encoding/json} float: plain unless below 1e-6 or from 1e21, {@code e-7} not {@code e-07}. */
    static String jsonFloat(double value) {
        Digits digits = Digits.of(value);
        double abs = Math.abs(value);
        if (digits.isZero()) {
            return digits.sign() + "0";
        }
        if (abs < 1e-6 || abs >= 1e21) {
            return digits.sign() + digits.scientific(1);
        }
        return digits.sign() + digits.plain();
    }

    /** A float's shortest round-tripping decimal digits and where the decimal point goes. */
    private record Digits(String sign, String digits, int pointPosition) {

        static Digits of(double value) {
            String sign = (value < 0 || (value == 0 && 1 / value < 0)) ? "-" : "";
            if (value == 0) {
                return new Digits(sign, "0", 1);
            }
            BigDecimal decimal = new BigDecimal(Double.toString(Math.abs(value))).stripTrailingZeros();
            String digits = decimal.unscaledValue().toString();
            return new Digits(sign, digits, digits.length() - decimal.scale());
        }

        boolean isZero() {
            return digits.equals("0");
        }

        String scientific(int minExponentDigits) {
            int exponent = pointPosition - 1;
            StringBuilder out = new StringBuilder().append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            String magnitude = Integer.toString(Math.abs(exponent));
            out.append('e').append(exponent < 0 ? '-' : '+');
            out.append("0".repeat(Math.max(0, minExponentDigits - magnitude.length()))).append(magnitude);
            return out.toString();
        }

        String plain() {
            if (pointPosition <= 0) {
                return "0." + "0".repeat(-pointPosition) + digits;
            }
            if (pointPosition >= digits.length()) {
                return digits + "0".repeat(pointPosition - digits.length());
            }
            return digits.substring(0, pointPosition) + "." + digits.substring(pointPosition);
        }
    }

    /** Go's {@code json.Marshal}: compact, object keys sorted, HTML-sensitive characters escaped. */
    static void writeJson(JsonNode value, StringBuilder out) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            out.append("null");
        } else if (value.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(value.properties());
            fields.sort(Map.Entry.comparingByKey());
            out.append('{');
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                writeString(fields.get(i).getKey(), out);
                out.append(':');
                writeJson(fields.get(i).getValue(), out);
            }
            out.append('}');
        } else if (value.isArray()) {
            out.append('[');
            for (int i = 0; i < value.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                writeJson(value.get(i), out);
            }
            out.append(']');
        } else if (value.isTextual()) {
            writeString(value.textValue(), out);
        } else if (value.isIntegralNumber()) {
            out.append(value.bigIntegerValue());
        } else if (value.isNumber()) {
            out.append(jsonFloat(value.doubleValue()));
        } else {
            out.append(value.asText());
        }
    }

    private static void writeString(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
