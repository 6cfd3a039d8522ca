package io.lvs.apiserver.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Values printed the way kube-apiserver's Go code prints them in messages: {@code %v} of int64, float64 and bool,
 * {@code %q} of strings (strconv.Quote) and {@code %#v} of decoded JSON objects and arrays. A message a test compares
 * with a real server's must come out byte for byte the same.
 */
public final class GoText {
    private GoText() {
    }

    /** {@code %v} of a JSON number or boolean, {@code %q} of a string: how field errors print a bad value. */
    public static String value(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return quote("null");
        }
        if (v.isTextual()) {
            return quote(v.asText());
        }
        if (v.isBoolean()) {
            return Boolean.toString(v.asBoolean());
        }
        if (v.isNumber()) {
            return number(v);
        }
        return syntax(v);
    }

    /** {@code %v} of a number as kube-apiserver holds it: int64 when it fits and is integral, float64 otherwise. */
    public static String number(JsonNode v) {
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return Long.toString(v.asLong());
        }
        return float64(v.asDouble());
    }

    /** {@code %v} of a float64 (strconv.FormatFloat(f, 'g', -1, 64)): 65535, 1.5, 1e+06, 1.5e-05. */
    public static String float64(double f) {
        if (Double.isNaN(f)) {
            return "NaN";
        }
        if (Double.isInfinite(f)) {
            return f > 0 ? "+Inf" : "-Inf";
        }
        if (f == 0) {
            return (1 / f < 0) ? "-0" : "0";
        }
        BigDecimal d = new BigDecimal(Double.toString(Math.abs(f))).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int nd = digits.length();
        int dp = nd - d.scale(); // the decimal point sits after dp digits
        int exp = dp - 1;
        StringBuilder out = new StringBuilder(f < 0 ? "-" : "");
        if (exp < -4 || exp >= 6) { // %e: shortest formatting decides with precision 6
            out.append(digits.charAt(0));
            if (nd > 1) {
                out.append('.').append(digits, 1, nd);
            }
            out.append('e').append(exp < 0 ? '-' : '+');
            int e = Math.abs(exp);
            out.append(e < 10 ? "0" + e : Integer.toString(e));
            return out.toString();
        }
        if (dp <= 0) {
            out.append("0.").append("0".repeat(-dp)).append(digits);
        } else if (dp >= nd) {
            out.append(digits).append("0".repeat(dp - nd));
        } else {
            out.append(digits, 0, dp).append('.').append(digits, dp, nd);
        }
        return out.toString();
    }

    /** strconv.Quote: double quotes, Go escapes for quotes, backslashes and control characters. */
    public static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case 7 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 11 -> out.append("\\v");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", c));
                    } else if (!printable(c)) {
                        out.append(c <= 0xffff ? String.format("\\u%04x", c) : String.format("\\U%08x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.append('"').toString();
    }

    private static boolean printable(int c) {
        int type = Character.getType(c);
        return type != Character.CONTROL && type != Character.FORMAT && type != Character.SURROGATE
                && type != Character.PRIVATE_USE && type != Character.UNASSIGNED && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR && (type != Character.SPACE_SEPARATOR || c == ' ');
    }

    /** {@code %#v} of a decoded JSON value: {@code map[string]interface {}{"a":1}}, {@code []interface {}{"a"}}. */
    public static String syntax(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "interface {}(nil)";
        }
        if (v.isObject()) {
            List<String> keys = new ArrayList<>();
            v.fieldNames().forEachRemaining(keys::add);
            keys.sort(null); // Go prints map keys sorted
            List<String> entries = new ArrayList<>();
            for (String k : keys) {
                entries.add(quote(k) + ":" + syntax(v.get(k)));
            }
            return "map[string]interface {}{" + String.join(", ", entries) + "}";
        }
        if (v.isArray()) {
            List<String> items = new ArrayList<>();
            for (Iterator<JsonNode> it = v.elements(); it.hasNext(); ) {
                items.add(syntax(it.next()));
            }
            return "[]interface {}{" + String.join(", ", items) + "}";
        }
        return value(v);
    }

    /** The JSON encoding of an enum value that is not a string (json.Marshal), as NotSupported lists it. */
    static String json(JsonNode v) {
        return v.isNumber() ? number(v) : v.toString();
    }
}
