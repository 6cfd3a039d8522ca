package io.lvs.e2e.apiserver;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes the kubeconfig that points kubectl, helm and Fabric8 clients at an embedded API server. */
final class Kubeconfig {

    static final String NAME = "lvs-embedded";

    private Kubeconfig() {}

    /** Writes atomically (temp file + rename), so a reader polling for the file never sees half of it. */
    static void write(Path path, URI server) throws IOException {
        String text = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: %1$s
                  cluster:
                    server: %2$s
                users:
                - name: %1$s
                  user: {}
                contexts:
                - name: %1$s
                  context:
                    cluster: %1$s
                    user: %1$s
                    namespace: default
                current-context: %1$s
                """.formatted(NAME, server);
        Path directory = path.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, ".kubeconfig-", ".tmp");
        Files.writeString(temporary, text);
        Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
