package io.lvs.e2e.apiserver;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/**
 * Writes the kubeconfigs that point kubectl, helm and Fabric8 clients at an embedded API server, each with the
 * bearer token of the identity it acts as.
 */
public final class Kubeconfig {

    static final String NAME = "lvs-embedded";

    private Kubeconfig() {}

    /**
     * Writes a kubeconfig for {@code server} acting with {@code token}, atomically (temp file + rename), so a reader
     * polling for the file never sees half of it.
     */
    public static void write(Path path, URI server, String certificateAuthorityPem, String token) throws IOException {
        String text = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: %1$s
                  cluster:
                    server: %2$s
                    certificate-authority-data: %4$s
                users:
                - name: %1$s
                  user:
                    token: %3$s
                contexts:
                - name: %1$s
                  context:
                    cluster: %1$s
                    user: %1$s
                    namespace: default
                current-context: %1$s
                """.formatted(NAME, server, token, Base64.getEncoder().encodeToString(
                        certificateAuthorityPem.getBytes(StandardCharsets.UTF_8)));
        Path directory = path.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        // it holds a credential: readable by its owner only, as kubectl writes its own
        Path temporary = Files.createTempFile(directory, ".kubeconfig-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, text);
        Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The server a kubeconfig this class wrote points at. */
    public static URI server(Path kubeconfig) throws IOException {
        return Files.readAllLines(kubeconfig).stream().map(String::strip).filter(l -> l.startsWith("server: "))
                .map(l -> URI.create(l.substring("server: ".length()).strip())).findFirst()
                .orElseThrow(() -> new IOException(kubeconfig + " names no server"));
    }

    /** The PEM of the certificate authority a kubeconfig this class wrote trusts. */
    static String certificateAuthority(Path kubeconfig) throws IOException {
        String prefix = "certificate-authority-data: ";
        return Files.readAllLines(kubeconfig).stream().map(String::strip).filter(l -> l.startsWith(prefix))
                .map(l -> new String(Base64.getDecoder().decode(l.substring(prefix.length()).strip()),
                        StandardCharsets.UTF_8))
                .findFirst().orElseThrow(() -> new IOException(kubeconfig + " names no certificate authority"));
    }

    /** A TLS context that trusts the certificate authority of a kubeconfig this class wrote, and nothing else. */
    public static javax.net.ssl.SSLContext trustedContext(Path kubeconfig) throws IOException {
        return ServerCertificate.trusting(Pem.certificate(certificateAuthority(kubeconfig)));
    }

    /**
     * A copy of {@code kubeconfig} (same server, same certificate authority) acting with {@code token} instead,
     * written to {@code path}.
     */
    public static Path withToken(Path kubeconfig, String token, Path path) throws IOException {
        write(path, server(kubeconfig), certificateAuthority(kubeconfig), token);
        return path;
    }
}
