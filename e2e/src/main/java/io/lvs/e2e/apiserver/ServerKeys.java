package io.lvs.e2e.apiserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/**
 * What a control plane keeps on disk across restarts and upgrades (kubeadm's {@code /etc/kubernetes/pki} and
 * {@code admin.conf}): the serving certificate and its key, which every kubeconfig trusts; the administrator's token;
 * the key that signs service-account tokens. A server started with the keys of an earlier one serves the same
 * certificate and accepts the same administrator and every token the earlier one issued, so clients carry on across
 * a restart, even one with an empty store, without new kubeconfigs.
 */
public final class ServerKeys {

    private static final String CERTIFICATE = "apiserver.crt";
    private static final String CERTIFICATE_KEY = "apiserver.key";
    private static final String SERVICE_ACCOUNT_KEY = "sa.key";
    private static final String SERVICE_ACCOUNT_PUBLIC_KEY = "sa.pub";
    private static final String ADMIN_TOKEN = "admin.token";

    private final ServerCertificate certificate;
    private final String adminToken;
    private final KeyPair serviceAccountKey;

    private ServerKeys(ServerCertificate certificate, String adminToken, KeyPair serviceAccountKey) {
        this.certificate = certificate;
        this.adminToken = adminToken;
        this.serviceAccountKey = serviceAccountKey;
    }

    /** The serving certificate (also the authority kubeconfigs trust). */
    ServerCertificate certificate() {
        return certificate;
    }

    /** The administrator's bearer token ({@code system:masters}). */
    String adminToken() {
        return adminToken;
    }

    /** The key service-account tokens are signed with (EC P-256). */
    KeyPair serviceAccountKey() {
        return serviceAccountKey;
    }

    /** New keys, the certificate valid for {@code address} (and loopback). */
    public static ServerKeys generate(InetAddress address) {
        return new ServerKeys(ServerCertificate.forAddress(address), Authenticator.newToken(), newServiceAccountKey());
    }

    /**
     * The keys kept in {@code directory}, or new ones (for {@code address}) written there, readable by their owner only,
     * when it holds none.
     *
     * @throws UncheckedIOException when the directory cannot be read or written, or holds only some of the keys
     */
    public static ServerKeys loadOrCreate(Path directory, InetAddress address) {
        try {
            Path crt = directory.resolve(CERTIFICATE);
            Path key = directory.resolve(CERTIFICATE_KEY);
            Path sa = directory.resolve(SERVICE_ACCOUNT_KEY);
            Path saPublic = directory.resolve(SERVICE_ACCOUNT_PUBLIC_KEY);
            Path admin = directory.resolve(ADMIN_TOKEN);
            if (Files.exists(crt) || Files.exists(key) || Files.exists(sa) || Files.exists(admin)) {
                return new ServerKeys(ServerCertificate.of(Files.readString(crt), Files.readString(key)),
                        Files.readString(admin).strip(), Pem.keyPair(Files.readString(saPublic), Files.readString(sa)));
            }
            ServerKeys keys = generate(address);
            Files.createDirectories(directory);
            writePrivate(crt, keys.certificate().certificatePem());
            writePrivate(key, keys.certificate().privateKeyPem());
            writePrivate(sa, Pem.of(keys.serviceAccountKey().getPrivate()));
            writePrivate(saPublic, Pem.of(keys.serviceAccountKey().getPublic()));
            writePrivate(admin, keys.adminToken() + "\n");
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the API server's keys in " + directory, e);
        }
    }

    private static KeyPair newServiceAccountKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the service-account signing key", e);
        }
    }

    /** Written whole (temp file, then rename), owner-only: they are credentials. */
    private static void writePrivate(Path path, String text) throws IOException {
        Path temporary = Files.createTempFile(path.getParent(), "." + path.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
