package io.lvs.e2e.apiserver;

import java.util.Locale;
import java.util.Optional;

/** Reads an Accept header for a {@code meta.k8s.io} Table, which is how kubectl asks for server-side printing. */
final class TableRequest {

    private TableRequest() {}

    /**
     * The Table version ("v1" or "v1beta1") of the first acceptable media type, or empty when the
     * client prefers plain objects (e.g. {@code kubectl get -o yaml}).
     */
    static Optional<String> version(String accept) {
        for (String mediaType : accept.split(",")) {
            String[] parts = mediaType.split(";");
            String base = parts[0].strip().toLowerCase(Locale.ROOT);
            if (!base.equals("application/json") && !base.equals("*/*")) {
                continue;
            }
            String as = "";
            String group = "";
            String version = "";
            for (int i = 1; i < parts.length; i++) {
                String[] pair = parts[i].strip().split("=", 2);
                if (pair.length == 2) {
                    switch (pair[0].strip()) {
                        case "as" -> as = pair[1].strip();
                        case "g" -> group = pair[1].strip();
                        case "v" -> version = pair[1].strip();
                        default -> { }
                    }
                }
            }
            if (as.isEmpty()) {
                return Optional.empty();
            }
            if (as.equals("Table") && group.equals("meta.k8s.io")
                    && (version.equals("v1") || version.equals("v1beta1"))) {
                return Optional.of(version);
            }
        }
        return Optional.empty();
    }
}
