package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads the protobuf request bodies of client-go's typed clients for the one kind the tests need them for: core/v1
 * Secrets, which is how helm stores its releases ({@code sh.helm.release.v1.<name>.v<n>}). The body becomes the JSON the
 * store keeps. Any other kind, or a Secret carrying a field this reader does not know, stays unreadable (the caller
 * answers 415 as before) rather than being stored with fields dropped.
 *
 * <p>The wire format: the magic {@code k8s\0}, then a {@code runtime.Unknown} (typeMeta = 1 {apiVersion = 1,
 * kind = 2}, raw = 2, contentEncoding = 3, contentType = 4) whose raw bytes are the object's message, as
 * {@code k8s.io/api/core/v1/generated.proto} and {@code k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto} number
 * them. gogo-protobuf writes optional strings and numbers even when empty or zero; those mean "unset" here, as in the
 * object's JSON, where they are omitted.
 */
final class ProtobufBody {

    static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
    private static final byte[] MAGIC = {'k', '8', 's', 0};

    private ProtobufBody() {}

    /** The object as JSON, or empty when the body is not an envelope of a kind this reader knows. */
    static Optional<ObjectNode> toJson(byte[] body) {
        if (body.length < MAGIC.length || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return Optional.empty();
        }
        try {
            Wire unknown = new Wire(body, MAGIC.length, body.length);
            String apiVersion = "";
            String kind = "";
            byte[] raw = new byte[0];
            while (unknown.more()) {
                int tag = unknown.tag();
                switch (tag >>> 3) {
                    case 1 -> {
                        Wire typeMeta = unknown.message();
                        while (typeMeta.more()) {
                            int t = typeMeta.tag();
                            switch (t >>> 3) {
                                case 1 -> apiVersion = typeMeta.string();
                                case 2 -> kind = typeMeta.string();
                                default -> throw new Unreadable("typeMeta field " + (t >>> 3));
                            }
                        }
                    }
                    case 2 -> raw = unknown.bytes();
                    case 3, 4 -> {
                        if (!unknown.string().isEmpty()) {
                            throw new Unreadable("a content encoding or type inside the envelope");
                        }
                    }
                    default -> throw new Unreadable("envelope field " + (tag >>> 3));
                }
            }
            if (!apiVersion.equals("v1") || !kind.equals("Secret")) {
                return Optional.empty();
            }
            ObjectNode secret = Json.object();
            secret.put("apiVersion", apiVersion);
            secret.put("kind", kind);
            readSecret(new Wire(raw, 0, raw.length), secret);
            return Optional.of(secret);
        } catch (Unreadable | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    /** Secret: metadata = 1, data = 2 (string to bytes), type = 3, stringData = 4, immutable = 5. */
    private static void readSecret(Wire in, ObjectNode secret) {
        while (in.more()) {
            int tag = in.tag();
            switch (tag >>> 3) {
                case 1 -> secret.set("metadata", readObjectMeta(in.message()));
                case 2 -> {
                    Entry e = in.entry();
                    child(secret, "data").put(e.key(), Base64.getEncoder().encodeToString(e.value()));
                }
                case 3 -> putIfSet(secret, "type", in.string());
                case 4 -> {
                    Entry e = in.entry();
                    child(secret, "stringData").put(e.key(), new String(e.value(), StandardCharsets.UTF_8));
                }
                case 5 -> secret.put("immutable", in.varint() != 0);
                default -> throw new Unreadable("Secret field " + (tag >>> 3));
            }
        }
    }

    /**
     * ObjectMeta: name = 1, generateName = 2, namespace = 3, selfLink = 4, uid = 5, resourceVersion = 6,
     * generation = 7, creationTimestamp = 8, deletionTimestamp = 9, deletionGracePeriodSeconds = 10, labels = 11,
     * annotations = 12, ownerReferences = 13, finalizers = 14.
     */
    private static ObjectNode readObjectMeta(Wire in) {
        ObjectNode meta = Json.object();
        while (in.more()) {
            int tag = in.tag();
            switch (tag >>> 3) {
                case 1 -> putIfSet(meta, "name", in.string());
                case 2 -> putIfSet(meta, "generateName", in.string());
                case 3 -> putIfSet(meta, "namespace", in.string());
                case 4 -> putIfSet(meta, "selfLink", in.string());
                case 5 -> putIfSet(meta, "uid", in.string());
                case 6 -> putIfSet(meta, "resourceVersion", in.string());
                case 7 -> {
                    long generation = in.varint();
                    if (generation != 0) {
                        meta.put("generation", generation);
                    }
                }
                case 8 -> readTime(in.message()).ifPresent(t -> meta.put("creationTimestamp", t));
                case 9 -> readTime(in.message()).ifPresent(t -> meta.put("deletionTimestamp", t));
                case 10 -> meta.put("deletionGracePeriodSeconds", in.varint());
                case 11 -> {
                    Entry e = in.entry();
                    child(meta, "labels").put(e.key(), new String(e.value(), StandardCharsets.UTF_8));
                }
                case 12 -> {
                    Entry e = in.entry();
                    child(meta, "annotations").put(e.key(), new String(e.value(), StandardCharsets.UTF_8));
                }
                case 13 -> list(meta, "ownerReferences").add(readOwnerReference(in.message()));
                case 14 -> list(meta, "finalizers").add(in.string());
                default -> throw new Unreadable("ObjectMeta field " + (tag >>> 3));
            }
        }
        return meta;
    }

    /** OwnerReference: kind = 1, name = 3, uid = 4, apiVersion = 5, controller = 6, blockOwnerDeletion = 7. */
    private static ObjectNode readOwnerReference(Wire in) {
        ObjectNode ref = Json.object();
        while (in.more()) {
            int tag = in.tag();
            switch (tag >>> 3) {
                case 1 -> ref.put("kind", in.string());
                case 3 -> ref.put("name", in.string());
                case 4 -> ref.put("uid", in.string());
                case 5 -> ref.put("apiVersion", in.string());
                case 6 -> ref.put("controller", in.varint() != 0);
                case 7 -> ref.put("blockOwnerDeletion", in.varint() != 0);
                default -> throw new Unreadable("OwnerReference field " + (tag >>> 3));
            }
        }
        return ref;
    }

    /** Time: seconds = 1, nanos = 2; the zero time is unset. JSON carries whole seconds (RFC 3339), as metav1.Time. */
    private static Optional<String> readTime(Wire in) {
        long seconds = 0;
        while (in.more()) {
            int tag = in.tag();
            switch (tag >>> 3) {
                case 1 -> seconds = in.varint();
                case 2 -> in.varint();
                default -> throw new Unreadable("Time field " + (tag >>> 3));
            }
        }
        return seconds == 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(seconds).toString());
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (!value.isEmpty()) {
            node.put(field, value);
        }
    }

    private static ObjectNode child(ObjectNode node, String field) {
        return node.has(field) ? (ObjectNode) node.get(field) : node.putObject(field);
    }

    private static ArrayNode list(ObjectNode node, String field) {
        return node.has(field) ? (ArrayNode) node.get(field) : node.putArray(field);
    }

    /** A map entry: key = 1, value = 2. */
    private record Entry(String key, byte[] value) {}

    /** The body holds something this reader does not know: it is not converted. */
    private static final class Unreadable extends RuntimeException {
        Unreadable(String what) {
            super(what, null, false, false);
        }
    }

    /**
     * The protobuf wire format over a slice of bytes: varints and length-delimited fields (all these messages use),
     * each read checked against the wire type its tag announced.
     */
    private static final class Wire {
        private static final int VARINT = 0;
        private static final int LENGTH_DELIMITED = 2;
        private final byte[] bytes;
        private int at;
        private final int end;
        private int wireType = -1;

        Wire(byte[] bytes, int from, int end) {
            this.bytes = bytes;
            this.at = from;
            this.end = end;
        }

        boolean more() {
            return at < end;
        }

        int tag() {
            long tag = rawVarint();
            wireType = (int) (tag & 7);
            return (int) tag;
        }

        long varint() {
            expect(VARINT);
            return rawVarint();
        }

        byte[] bytes() {
            expect(LENGTH_DELIMITED);
            long length = rawVarint();
            if (length < 0 || length > end - at) {
                throw new Unreadable("a field longer than its message");
            }
            byte[] out = Arrays.copyOfRange(bytes, at, at + (int) length);
            at += (int) length;
            return out;
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        Wire message() {
            byte[] inner = bytes();
            return new Wire(inner, 0, inner.length);
        }

        Entry entry() {
            Wire in = message();
            String key = "";
            byte[] value = new byte[0];
            while (in.more()) {
                int tag = in.tag();
                switch (tag >>> 3) {
                    case 1 -> key = in.string();
                    case 2 -> value = in.bytes();
                    default -> throw new Unreadable("map entry field " + (tag >>> 3));
                }
            }
            return new Entry(key, value);
        }

        private void expect(int type) {
            if (wireType != type) {
                throw new Unreadable("wire type " + wireType + " where " + type + " belongs");
            }
            wireType = -1;
        }

        private long rawVarint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (at >= end) {
                    throw new Unreadable("a truncated varint");
                }
                byte b = bytes[at++];
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new Unreadable("a varint longer than 64 bits");
        }
    }
}
