package io.lvs.e2e.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Protobuf Secrets as client-go's typed clients (helm's release storage) write them, read as the store's JSON. */
class ProtobufBodyTest {

    @Test
    void aHelmReleaseSecretBecomesItsJson() {
        byte[] meta = concat(
                string(1, "sh.helm.release.v1.lvs.v1"), string(2, ""), string(3, "lvs-system"), string(6, "41"),
                varint(7, 0), message(8, concat(varint(1, 1_796_672_249L), varint(2, 0))),
                message(11, concat(string(1, "owner"), string(2, "helm"))),
                message(11, concat(string(1, "version"), string(2, "1"))),
                message(12, concat(string(1, "note"), string(2, "kept"))),
                string(14, "example.com/guard"));
        byte[] secret = concat(message(1, meta), message(2, concat(string(1, "release"), bytes(2, new byte[] {0, 1, -1}))),
                string(3, "helm.sh/release.v1"), message(4, concat(string(1, "plain"), string(2, "text"))), varint(5, 1));

        JsonNode json = ProtobufBody.toJson(envelope("v1", "Secret", secret)).orElseThrow();

        assertEquals(Json.parse("""
                {"apiVersion":"v1","kind":"Secret",
                 "metadata":{"name":"sh.helm.release.v1.lvs.v1","namespace":"lvs-system","resourceVersion":"41",
                   "creationTimestamp":"2026-12-07T19:37:29Z","labels":{"owner":"helm","version":"1"},
                   "annotations":{"note":"kept"},"finalizers":["example.com/guard"]},
                 "data":{"release":"AAH/"},"type":"helm.sh/release.v1","stringData":{"plain":"text"},"immutable":true}
                """).orElseThrow(), json);
    }

    @Test
    void otherKindsUnknownFieldsAndJsonStayUnread() {
        assertEquals(Optional.empty(), ProtobufBody.toJson(envelope("v1", "ConfigMap", message(1, string(1, "c")))),
                "only Secrets are read");
        byte[] managedFields = message(1, concat(string(1, "s"), message(17, string(1, "helm"))));
        assertEquals(Optional.empty(), ProtobufBody.toJson(envelope("v1", "Secret", managedFields)),
                "a field this reader does not know is not dropped silently");
        assertEquals(Optional.empty(), ProtobufBody.toJson(envelope("v1", "Secret", varint(1, 7))),
                "metadata sent as a number is not metadata");
        assertEquals(Optional.empty(), ProtobufBody.toJson("{\"kind\":\"Secret\"}".getBytes(StandardCharsets.UTF_8)));
        byte[] truncated = envelope("v1", "Secret", message(1, string(1, "name")));
        assertEquals(Optional.empty(), ProtobufBody.toJson(java.util.Arrays.copyOf(truncated, truncated.length - 2)));
    }

    /** The "k8s\0" magic and a runtime.Unknown: typeMeta {apiVersion = 1, kind = 2} = 1, raw = 2. */
    private static byte[] envelope(String apiVersion, String kind, byte[] raw) {
        return concat(new byte[] {'k', '8', 's', 0}, message(1, concat(string(1, apiVersion), string(2, kind))),
                bytes(2, raw));
    }

    private static byte[] string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] message(int field, byte[] body) {
        return bytes(field, body);
    }

    private static byte[] bytes(int field, byte[] value) {
        return concat(rawVarint((long) field << 3 | 2), rawVarint(value.length), value);
    }

    private static byte[] varint(int field, long value) {
        return concat(rawVarint((long) field << 3), rawVarint(value));
    }

    private static byte[] rawVarint(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((value & ~0x7fL) != 0) {
            out.write((int) (value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
