package io.lvs.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** A test object: a base manifest from src/test/resources/base with edits at dotted paths ({@code spec.ports[0].port}). */
final class TestObject {
    private final String description;
    private final ObjectNode node;

    private TestObject(String description, ObjectNode node) {
        this.description = description;
        this.node = node;
    }

    static TestObject base(String file) {
        try (InputStream in = TestObject.class.getResourceAsStream("/base/" + file)) {
            return new TestObject(file, (ObjectNode) Crds.YAML.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy with {@code path} set to {@code value} (maps, lists, strings, numbers, booleans). */
    TestObject set(String path, Object value) {
        ObjectNode copy = node.deepCopy();
        List<String> parts = split(path);
        JsonNode parent = walk(copy, parts.subList(0, parts.size() - 1), true);
        String last = parts.getLast();
        JsonNode v = Crds.JSON.valueToTree(value);
        if (last.startsWith("[")) {
            ArrayNode a = (ArrayNode) parent;
            int i = Integer.parseInt(last.substring(1, last.length() - 1));
            if (i == a.size()) {
                a.add(v);
            } else {
                a.set(i, v);
            }
        } else {
            ((ObjectNode) parent).set(last, v);
        }
        return new TestObject(description + " with " + path + "=" + value, copy);
    }

    /** A copy without {@code path}. */
    TestObject remove(String path) {
        ObjectNode copy = node.deepCopy();
        List<String> parts = split(path);
        JsonNode parent = walk(copy, parts.subList(0, parts.size() - 1), false);
        String last = parts.getLast();
        if (last.startsWith("[")) {
            ((ArrayNode) parent).remove(Integer.parseInt(last.substring(1, last.length() - 1)));
        } else {
            ((ObjectNode) parent).remove(last);
        }
        return new TestObject(description + " without " + path, copy);
    }

    JsonNode json() {
        return node.deepCopy();
    }

    private static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String seg : path.split("\\.")) {
            int b = seg.indexOf('[');
            if (b < 0) {
                out.add(seg);
            } else {
                if (b > 0) {
                    out.add(seg.substring(0, b));
                }
                for (String idx : seg.substring(b).split("(?=\\[)")) {
                    out.add(idx);
                }
            }
        }
        return out;
    }

    private static JsonNode walk(JsonNode from, List<String> parts, boolean create) {
        JsonNode cur = from;
        for (String p : parts) {
            if (p.startsWith("[")) {
                cur = cur.get(Integer.parseInt(p.substring(1, p.length() - 1)));
            } else {
                JsonNode next = cur.get(p);
                if (next == null && create) {
                    next = ((ObjectNode) cur).putObject(p);
                }
                cur = next;
            }
            if (cur == null) {
                throw new IllegalArgumentException("no " + p + " in " + from);
            }
        }
        return cur;
    }

    @Override
    public String toString() {
        return description;
    }
}
