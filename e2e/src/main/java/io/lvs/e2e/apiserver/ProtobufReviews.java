package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * The self reviews kubectl sends as Kubernetes protobuf ({@code kubectl auth can-i}), read into their JSON form: the
 * {@code k8s\0} envelope ({@code runtime.Unknown}: typeMeta 1, raw 2) around a SelfSubjectAccessReview (spec 2:
 * resourceAttributes 1 {namespace 1, verb 2, group 3, version 4, resource 5, subresource 6, name 7},
 * nonResourceAttributes 2 {path 1, verb 2}) or a SelfSubjectRulesReview (spec 2: namespace 1). Other fields are
 * skipped. The answer goes back as JSON, which kubectl accepts.
 */
final class ProtobufReviews {
    static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";
    private static final byte[] MAGIC = {'k', '8', 's', 0};
    private static final Map<Integer, String> RESOURCE_ATTRIBUTES = Map.of(1, "namespace", 2, "verb", 3, "group",
            4, "version", 5, "resource", 6, "subresource", 7, "name");
    private static final Map<Integer, String> NON_RESOURCE_ATTRIBUTES = Map.of(1, "path", 2, "verb");

    private ProtobufReviews() {
    }

    /** The review as JSON, or empty when {@code body} is not a protobuf-encoded self review. */
    static Optional<ObjectNode> read(byte[] body) {
        if (body.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(body, MAGIC.length), MAGIC)) {
            return Optional.empty();
        }
        try {
            CodedInputStream unknown = CodedInputStream.newInstance(body, MAGIC.length, body.length - MAGIC.length);
            String kind = "";
            byte[] raw = new byte[0];
            for (int tag = unknown.readTag(); tag != 0; tag = unknown.readTag()) {
                switch (tag >>> 3) {
                    case 1 -> {
                        CodedInputStream typeMeta = CodedInputStream.newInstance(unknown.readByteArray());
                        for (int t = typeMeta.readTag(); t != 0; t = typeMeta.readTag()) {
                            if (t >>> 3 == 2) {
                                kind = typeMeta.readStringRequireUtf8();
                            } else {
                                typeMeta.skipField(t);
                            }
                        }
                    }
                    case 2 -> raw = unknown.readByteArray();
                    default -> unknown.skipField(tag);
                }
            }
            ObjectNode review = Json.object();
            ObjectNode spec = review.putObject("spec");
            CodedInputStream object = CodedInputStream.newInstance(raw);
            for (int tag = object.readTag(); tag != 0; tag = object.readTag()) {
                if (tag >>> 3 != 2) {
                    object.skipField(tag);
                    continue;
                }
                CodedInputStream specIn = CodedInputStream.newInstance(object.readByteArray());
                for (int t = specIn.readTag(); t != 0; t = specIn.readTag()) {
                    int field = t >>> 3;
                    if (kind.equals("SelfSubjectAccessReview") && (field == 1 || field == 2)) {
                        strings(specIn.readByteArray(), field == 1 ? RESOURCE_ATTRIBUTES : NON_RESOURCE_ATTRIBUTES,
                                spec.putObject(field == 1 ? "resourceAttributes" : "nonResourceAttributes"));
                    } else if (kind.equals("SelfSubjectRulesReview") && field == 1) {
                        spec.put("namespace", specIn.readStringRequireUtf8());
                    } else {
                        specIn.skipField(t);
                    }
                }
            }
            return kind.isEmpty() ? Optional.empty() : Optional.of(review);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void strings(byte[] message, Map<Integer, String> names, ObjectNode into) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(message);
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
            String name = names.get(t >>> 3);
            if (name != null && (t & 7) == 2) {
                into.put(name, new String(in.readByteArray(), StandardCharsets.UTF_8));
            } else {
                in.skipField(t);
            }
        }
    }
}
