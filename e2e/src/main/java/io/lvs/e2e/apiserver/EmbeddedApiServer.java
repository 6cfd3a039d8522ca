package io.lvs.e2e.apiserver;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.vertx.HttpServerRequestHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A Kubernetes API server for tests, the e2e suite and the local demo: the Fabric8
 * {@code kubernetes-server-mock} CRUD store behind a front door that adds what kubectl needs
 * (discovery, server-side Table printing from CRD printer columns, OpenAPI v3 for
 * {@code kubectl explain}, HTTP streaming watches, RFC 7386 merge patch, selectors, CRD status) and
 * refuses what a real server refuses: custom resources are pruned, defaulted and validated against
 * their CRD's schema and CEL rules ({@link Admission}), watches resume from a history or are told
 * 410 Gone, and get bookmarks ({@link WatchSession}).
 *
 * <p>Every request is authenticated by its bearer token (anonymous requests get 401) and authorized by RBAC from the
 * stored Roles, ClusterRoles and bindings (refusals get the real 403), and writes pass the stored
 * ValidatingAdmissionPolicies. The server's kubeconfig acts as an administrator ({@code system:masters});
 * service accounts get their tokens through TokenRequest, bound to a node or pod as the kubelet binds them.
 *
 * <p>HTTPS on a loopback port by default, with a certificate made at start that the kubeconfigs trust (clients send
 * a kubeconfig's token to an https server only). Every server has its own store and writes its own kubeconfig. A
 * server started with an earlier one's {@link ServerKeys} (a restart, even with an empty store) serves the same
 * certificate and accepts the same administrator token and service-account tokens, as a real control plane keeps its
 * PKI and service-account key across restarts and upgrades: clients need no new kubeconfig.
 *
 * <p>Fidelity limits (what a real kube-apiserver does and this one does not): built-in types are neither validated
 * nor pruned; no mutating admission, no webhooks; a token is not revoked when its service account or bound object is
 * deleted; no server-side apply, no dry run, strategic merge patch only without directives; namespaces need not exist
 * and deleting one deletes nothing inside it; no garbage collection by owner references; deleting a CRD deletes its
 * objects at once instead of waiting; no conversion between CRD versions (each version stores its own objects); list
 * pages come from the current state, not one snapshot; the watch history is counted in events, not time; built-in
 * types print NAME and AGE only and have no OpenAPI schema. See {@code e2e/README.md}.
 */
public final class EmbeddedApiServer implements AutoCloseable {

    /** Namespaces every cluster has, created at start like a real control plane does. */
    private static final List<String> SYSTEM_NAMESPACES = List.of("default", "kube-system", "kube-public",
            "kube-node-lease");

    /**
     * Where and how to start.
     *
     * @param address the address to listen on (loopback by default; give a test host address to
     *     reach the server from network namespaces)
     * @param port 0 for a free port
     * @param kubeconfig where to write the kubeconfig; empty for a temporary file removed on close
     * @param requestLog receives one line per request answered
     * @param schemaValidation custom resources are pruned and validated against their CRD's schema and CEL rules
     *     (the default); false stores whatever a client sends (defaults still applied), for tests of the
     *     operator's own validation
     * @param watchHistory how many changes of each resource type a watch can resume from (older: 410 Expired)
     * @param bookmarkInterval how often a watch that allows bookmarks gets one (a real server: about every minute)
     * @param tokens bearer tokens the server accepts from the start, and whom each authenticates (the
     *     administrator's is added at start)
     * @param auditLog where to write the audit log (one audit.k8s.io/v1 Event per request); empty for none
     * @param keys the certificate, administrator token and service-account signing key to serve with (kept across
     *     restarts as a control plane keeps them); empty for new ones
     */
    public record Options(InetAddress address, int port, Optional<Path> kubeconfig, Consumer<String> requestLog,
            boolean schemaValidation, int watchHistory, Duration bookmarkInterval, Map<String, UserInfo> tokens,
            Optional<Path> auditLog, Optional<ServerKeys> keys) {

        public Options {
            tokens = Map.copyOf(tokens);
        }

        public static Options defaults() {
            return new Options(InetAddress.getLoopbackAddress(), 0, Optional.empty(), line -> { }, true, 10_000,
                    Duration.ofMinutes(1), Map.of(), Optional.empty(), Optional.empty());
        }

        public Options withAddress(InetAddress newAddress) {
            return new Options(newAddress, port, kubeconfig, requestLog, schemaValidation, watchHistory,
                    bookmarkInterval, tokens, auditLog, keys);
        }

        public Options withPort(int newPort) {
            return new Options(address, newPort, kubeconfig, requestLog, schemaValidation, watchHistory,
                    bookmarkInterval, tokens, auditLog, keys);
        }

        public Options withKubeconfig(Path path) {
            return new Options(address, port, Optional.of(path), requestLog, schemaValidation, watchHistory,
                    bookmarkInterval, tokens, auditLog, keys);
        }

        /** Receives one line per request ("PATCH /apis/... -> 200"), from the server's event loop. */
        public Options withRequestLog(Consumer<String> log) {
            return new Options(address, port, kubeconfig, log, schemaValidation, watchHistory, bookmarkInterval, tokens,
                    auditLog, keys);
        }

        /** {@code false}: store custom resources as sent, unvalidated and unpruned (an API server that skips schemas). */
        public Options withSchemaValidation(boolean validate) {
            return new Options(address, port, kubeconfig, requestLog, validate, watchHistory, bookmarkInterval, tokens,
                    auditLog, keys);
        }

        /** Keeps the last {@code events} changes of each resource type for watches to resume from. */
        public Options withWatchHistory(int events) {
            return new Options(address, port, kubeconfig, requestLog, schemaValidation, events, bookmarkInterval,
                    tokens, auditLog, keys);
        }

        /** Sends watches that allow bookmarks one every {@code interval}. */
        public Options withBookmarkInterval(Duration interval) {
            return new Options(address, port, kubeconfig, requestLog, schemaValidation, watchHistory, interval, tokens,
                    auditLog, keys);
        }

        /** Accepts {@code token} as {@code user}'s. */
        public Options withToken(String token, UserInfo user) {
            Map<String, UserInfo> more = new HashMap<>(tokens);
            more.put(token, user);
            return new Options(address, port, kubeconfig, requestLog, schemaValidation, watchHistory, bookmarkInterval,
                    more, auditLog, keys);
        }

        /** Writes every request's authorization decision to {@code file}, in kube-apiserver's audit log format. */
        public Options withAuditLog(Path file) {
            return new Options(address, port, kubeconfig, requestLog, schemaValidation, watchHistory, bookmarkInterval,
                    tokens, Optional.of(file), keys);
        }

        /**
         * Serves with {@code serverKeys} (an earlier server's {@link EmbeddedApiServer#keys()}, or
         * {@link ServerKeys#loadOrCreate}): the same certificate, administrator and service-account tokens.
         */
        public Options withKeys(ServerKeys serverKeys) {
            return new Options(address, port, kubeconfig, requestLog, schemaValidation, watchHistory, bookmarkInterval,
                    tokens, auditLog, Optional.of(serverKeys));
        }
    }

    private final Vertx vertx;
    private final HttpServer http;
    private final URI url;
    private final Path kubeconfig;
    private final Optional<Path> temporaryDirectory;
    private final AuditLog audit;
    private final ServerKeys keys;

    private EmbeddedApiServer(Vertx vertx, HttpServer http, URI url, Path kubeconfig,
            Optional<Path> temporaryDirectory, AuditLog audit, ServerKeys keys) {
        this.vertx = vertx;
        this.http = http;
        this.url = url;
        this.kubeconfig = kubeconfig;
        this.temporaryDirectory = temporaryDirectory;
        this.audit = audit;
        this.keys = keys;
    }

    /** A fresh server on a free loopback port with a temporary kubeconfig. */
    public static EmbeddedApiServer start() {
        return start(Options.defaults());
    }

    /**
     * @throws UncheckedIOException if the port cannot be bound or the kubeconfig cannot be written
     */
    public static EmbeddedApiServer start(Options options) {
        Vertx vertx = Vertx.vertx();
        AuditLog audit = options.auditLog().map(f -> AuditLog.to(f, Clock.systemUTC())).orElseGet(AuditLog::none);
        ServerKeys keys = options.keys().orElseGet(() -> ServerKeys.generate(options.address()));
        String adminToken = keys.adminToken();
        Map<String, UserInfo> tokens = new HashMap<>(options.tokens());
        tokens.put(adminToken, UserInfo.admin());
        ServerCertificate certificate = keys.certificate();
        ServiceAccountTokens serviceAccounts = new ServiceAccountTokens(keys.serviceAccountKey(), Clock.systemUTC());
        try {
            IndexedStore store = new IndexedStore(options.watchHistory(), Clock.systemUTC());
            HttpServer http = vertx.createHttpServer(new HttpServerOptions()
                    .setHost(options.address().getHostAddress())
                    .setPort(options.port())
                    .setHandle100ContinueAutomatically(true)
                    .setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions()
                            .setKeyValue(io.vertx.core.buffer.Buffer.buffer(certificate.privateKeyPem()))
                            .setCertValue(io.vertx.core.buffer.Buffer.buffer(certificate.certificatePem())))
                    .setWebSocketSubProtocols(List.of("v4.channel.k8s.io", "v3.channel.k8s.io",
                            "v2.channel.k8s.io", "channel.k8s.io")));
            // /api reports the server's address, known only once the port is bound.
            AtomicReference<String> authority = new AtomicReference<>("");
            ApiRouter router = new ApiRouter(store, authority::get, Clock.systemUTC(), options.requestLog(),
                    new Admission(options.schemaValidation()),
                    new ApiRouter.Watches(vertx, options.bookmarkInterval()),
                    new Authenticator(tokens, serviceAccounts), serviceAccounts, audit);
            HttpServerRequestHandler storeAdapter = new HttpServerRequestHandler(vertx) {
                @Override
                protected MockResponse onHttpRequest(RecordedRequest request) {
                    return router.dispatch(request);
                }
            };
            createSystemNamespaces(router);
            createDefaultRbac(router);
            http.requestHandler(request -> {
                if (HttpWatch.isHttpWatch(request)) {
                    HttpWatch.serve(vertx, request, router);
                } else {
                    // The mock's adapter reads a body only with a Content-Length or a Content-Type; a chunked body
                    // without either (kubectl create --raw -f) is JSON to a real server, so it is said so here.
                    if (!request.headers().contains("Content-Type") && !request.headers().contains("Content-Length")
                            && "chunked".equalsIgnoreCase(request.getHeader("Transfer-Encoding"))) {
                        request.headers().set("Content-Type", "application/json");
                    }
                    storeAdapter.handle(request);
                }
            });
            http.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            String host = options.address().getHostAddress();
            authority.set((host.contains(":") ? "[" + host + "]" : host) + ":" + http.actualPort());
            URI url = URI.create("https://" + authority.get());

            Optional<Path> temporaryDirectory = options.kubeconfig().isEmpty()
                    ? Optional.of(Files.createTempDirectory("lvs-apiserver-")) : Optional.empty();
            Path kubeconfig = options.kubeconfig().orElseGet(() -> temporaryDirectory.orElseThrow().resolve("kubeconfig"));
            Kubeconfig.write(kubeconfig, url, certificate.certificatePem(), adminToken);
            return new EmbeddedApiServer(vertx, http, url, kubeconfig, temporaryDirectory, audit, keys);
        } catch (IOException e) {
            audit.close();
            vertx.close();
            throw new UncheckedIOException("cannot write the kubeconfig for the embedded API server", e);
        } catch (Exception e) {
            audit.close();
            vertx.close();
            throw new UncheckedIOException(new IOException("cannot start the embedded API server on "
                    + options.address().getHostAddress() + ":" + options.port() + ": " + e.getMessage(), e));
        }
    }

    private static void createSystemNamespaces(ApiRouter router) {
        for (String name : SYSTEM_NAMESPACES) {
            String body = "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name
                    + "\"},\"spec\":{\"finalizers\":[\"kubernetes\"]},\"status\":{\"phase\":\"Active\"}}";
            router.dispatchAsServer(new RecordedRequest("HTTP/1.1", HttpMethod.POST, "/api/v1/namespaces",
                    Headers.builder().add("Content-Type", "application/json").build(),
                    new Buffer(body.getBytes(StandardCharsets.UTF_8))));
        }
    }

    /** The default ClusterRoles and bindings a real server bootstraps (discovery for everyone, cluster-admin). */
    private static void createDefaultRbac(ApiRouter router) {
        for (String body : BootstrapPolicy.objects()) {
            String plural = body.contains("\"kind\":\"ClusterRoleBinding\"") ? "clusterrolebindings" : "clusterroles";
            router.dispatchAsServer(new RecordedRequest("HTTP/1.1", HttpMethod.POST,
                    "/apis/rbac.authorization.k8s.io/v1/" + plural,
                    Headers.builder().add("Content-Type", "application/json").build(),
                    new Buffer(body.getBytes(StandardCharsets.UTF_8))));
        }
    }

    /** The server's base URL, e.g. {@code https://127.0.0.1:40123}. */
    public URI url() {
        return url;
    }

    public int port() {
        return url.getPort();
    }

    /** A kubeconfig whose current context points at this server (namespace "default") as the administrator. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** A TLS context that trusts this server's certificate, for plain HTTP clients in tests. */
    public javax.net.ssl.SSLContext sslContext() {
        return keys.certificate().clientContext();
    }

    /** The administrator's bearer token ({@code system:masters}: allowed everything). */
    public String adminToken() {
        return keys.adminToken();
    }

    /**
     * The keys this server serves with, for a server that takes its place (a restart, with or without its store): given
     * to {@link Options#withKeys}, clients of this one carry on unchanged.
     */
    public ServerKeys keys() {
        return keys;
    }

    /** A Fabric8 client for this server, as the administrator; the caller closes it. */
    public KubernetesClient newClient() {
        return newClient(keys.adminToken());
    }

    /** A Fabric8 client for this server acting with {@code token}; the caller closes it. */
    public KubernetesClient newClient(String token) {
        try {
            Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
            config.setOauthToken(token);
            return new KubernetesClientBuilder().withConfig(config).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + kubeconfig, e);
        }
    }

    /** Stops listening, drops every object, and removes the kubeconfig if it was temporary. */
    @Override
    public void close() {
        try {
            http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway: the Vert.x instance below owns the socket
        } finally {
            vertx.close();
            audit.close();
            temporaryDirectory.ifPresent(EmbeddedApiServer::deleteQuietly);
        }
    }

    private static void deleteQuietly(Path directory) {
        try (var files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }

    /**
     * Runs a server until killed, for the local demo:
     * {@code EmbeddedApiServer [--address ADDR] [--log] [--no-schema-validation] [--watch-history EVENTS]
     * [--bookmark-interval MILLIS] [--audit-log FILE] [--pki-dir DIR] PORT KUBECONFIG} (PORT 0 picks a free port;
     * {@code --log} prints every request to stderr; {@code --no-schema-validation} stores custom resources
     * unvalidated; {@code --audit-log} appends the audit log to FILE; {@code --pki-dir} keeps the server's certificate,
     * administrator token and service-account signing key in DIR, or takes them from there when an earlier server
     * left them, as a control plane keeps its PKI across restarts; the others set {@link Options#watchHistory} and
     * {@link Options#bookmarkInterval}). Prints {@code kubeconfig: PATH} (the administrator's) and {@code server: URL}
     * once it serves.
     */
    public static void main(String[] args) throws InterruptedException {
        // Netty's Unsafe use makes JDK 25 print deprecation warnings; the demo's output should not.
        System.setProperty("io.netty.noUnsafe", "true");
        Options options = Options.defaults();
        Optional<Path> pkiDirectory = Optional.empty();
        List<String> positional = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--address" -> options = options.withAddress(InetAddress.getByName(args[++i]));
                    case "--log" -> options = options.withRequestLog(System.err::println);
                    case "--no-schema-validation" -> options = options.withSchemaValidation(false);
                    case "--watch-history" -> options = options.withWatchHistory(Integer.parseInt(args[++i]));
                    case "--bookmark-interval" -> options = options.withBookmarkInterval(
                            Duration.ofMillis(Long.parseLong(args[++i])));
                    case "--audit-log" -> options = options.withAuditLog(Path.of(args[++i]).toAbsolutePath());
                    case "--pki-dir" -> pkiDirectory = Optional.of(Path.of(args[++i]).toAbsolutePath());
                    default -> positional.add(args[i]);
                }
            }
            if (positional.size() != 2) {
                throw new IllegalArgumentException("expected PORT KUBECONFIG");
            }
            options = options.withPort(Integer.parseInt(positional.get(0)))
                    .withKubeconfig(Path.of(positional.get(1)).toAbsolutePath());
            if (pkiDirectory.isPresent()) {
                options = options.withKeys(ServerKeys.loadOrCreate(pkiDirectory.get(), options.address()));
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("usage: EmbeddedApiServer [--address ADDR] [--log] [--no-schema-validation] "
                    + "[--watch-history EVENTS] [--bookmark-interval MILLIS] [--audit-log FILE] [--pki-dir DIR] "
                    + "PORT KUBECONFIG ("
                    + e.getMessage() + ")");
            System.exit(2);
            return;
        }
        EmbeddedApiServer server;
        try {
            server = start(options);
        } catch (UncheckedIOException e) {
            System.err.println(e.getCause().getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "embedded-apiserver-shutdown"));
        System.out.println("kubeconfig: " + server.kubeconfig());
        System.out.println("server: " + server.url());
        System.out.flush();
        stopped.await();
    }
}
