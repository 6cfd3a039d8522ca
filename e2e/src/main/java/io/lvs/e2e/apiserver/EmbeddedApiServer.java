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
import java.util.List;
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
 * <p>Plain HTTP on a loopback port by default: kubectl needs no certificate authority then, and
 * nothing secret crosses the wire. Every server has its own store and writes its own kubeconfig.
 *
 * <p>Fidelity limits (what a real kube-apiserver does and this one does not): built-in types are
 * neither validated nor pruned; no admission webhooks or policies, no RBAC, no authentication; no
 * server-side apply, no dry run, strategic merge patch only without directives; namespaces need not
 * exist and deleting one deletes nothing inside it; no garbage collection by owner references;
 * deleting a CRD deletes its objects at once instead of waiting; no conversion between CRD versions
 * (each version stores its own objects); list pages come from the current state, not one snapshot;
 * the watch history is counted in events, not time; built-in types print NAME and AGE only and have
 * no OpenAPI schema. See {@code e2e/README.md}.
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
     */
    public record Options(InetAddress address, int port, Optional<Path> kubeconfig, Consumer<String> requestLog,
            boolean schemaValidation, int watchHistory, Duration bookmarkInterval) {

        public static Options defaults() {
            return new Options(InetAddress.getLoopbackAddress(), 0, Optional.empty(), line -> { }, true, 10_000,
                    Duration.ofMinutes(1));
        }

        public Options withAddress(InetAddress newAddress) {
            return new Options(newAddress, port, kubeconfig, requestLog, schemaValidation, watchHistory, bookmarkInterval);
        }

        public Options withPort(int newPort) {
            return new Options(address, newPort, kubeconfig, requestLog, schemaValidation, watchHistory, bookmarkInterval);
        }

        public Options withKubeconfig(Path path) {
            return new Options(address, port, Optional.of(path), requestLog, schemaValidation, watchHistory,
                    bookmarkInterval);
        }

        /** Receives one line per request ("PATCH /apis/... -> 200"), from the server's event loop. */
        public Options withRequestLog(Consumer<String> log) {
            return new Options(address, port, kubeconfig, log, schemaValidation, watchHistory, bookmarkInterval);
        }

        /** {@code false}: store custom resources as sent, unvalidated and unpruned (an API server that skips schemas). */
        public Options withSchemaValidation(boolean validate) {
            return new Options(address, port, kubeconfig, requestLog, validate, watchHistory, bookmarkInterval);
        }

        /** Keeps the last {@code events} changes of each resource type for watches to resume from. */
        public Options withWatchHistory(int events) {
            return new Options(address, port, kubeconfig, requestLog, schemaValidation, events, bookmarkInterval);
        }

        /** Sends watches that allow bookmarks one every {@code interval}. */
        public Options withBookmarkInterval(Duration interval) {
            return new Options(address, port, kubeconfig, requestLog, schemaValidation, watchHistory, interval);
        }
    }

    private final Vertx vertx;
    private final HttpServer http;
    private final URI url;
    private final Path kubeconfig;
    private final Optional<Path> temporaryDirectory;

    private EmbeddedApiServer(Vertx vertx, HttpServer http, URI url, Path kubeconfig,
            Optional<Path> temporaryDirectory) {
        this.vertx = vertx;
        this.http = http;
        this.url = url;
        this.kubeconfig = kubeconfig;
        this.temporaryDirectory = temporaryDirectory;
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
        try {
            IndexedStore store = new IndexedStore(options.watchHistory(), Clock.systemUTC());
            HttpServer http = vertx.createHttpServer(new HttpServerOptions()
                    .setHost(options.address().getHostAddress())
                    .setPort(options.port())
                    .setHandle100ContinueAutomatically(true)
                    .setWebSocketSubProtocols(List.of("v4.channel.k8s.io", "v3.channel.k8s.io",
                            "v2.channel.k8s.io", "channel.k8s.io")));
            // /api reports the server's address, known only once the port is bound.
            AtomicReference<String> authority = new AtomicReference<>("");
            ApiRouter router = new ApiRouter(store, authority::get, Clock.systemUTC(), options.requestLog(),
                    new Admission(options.schemaValidation()),
                    new ApiRouter.Watches(vertx, options.bookmarkInterval()));
            HttpServerRequestHandler storeAdapter = new HttpServerRequestHandler(vertx) {
                @Override
                protected MockResponse onHttpRequest(RecordedRequest request) {
                    return router.dispatch(request);
                }
            };
            createSystemNamespaces(router);
            http.requestHandler(request -> {
                if (HttpWatch.isHttpWatch(request)) {
                    HttpWatch.serve(vertx, request, router);
                } else {
                    storeAdapter.handle(request);
                }
            });
            http.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            String host = options.address().getHostAddress();
            authority.set((host.contains(":") ? "[" + host + "]" : host) + ":" + http.actualPort());
            URI url = URI.create("http://" + authority.get());

            Optional<Path> temporaryDirectory = options.kubeconfig().isEmpty()
                    ? Optional.of(Files.createTempDirectory("lvs-apiserver-")) : Optional.empty();
            Path kubeconfig = options.kubeconfig().orElseGet(() -> temporaryDirectory.orElseThrow().resolve("kubeconfig"));
            Kubeconfig.write(kubeconfig, url);
            return new EmbeddedApiServer(vertx, http, url, kubeconfig, temporaryDirectory);
        } catch (IOException e) {
            vertx.close();
            throw new UncheckedIOException("cannot write the kubeconfig for the embedded API server", e);
        } catch (Exception e) {
            vertx.close();
            throw new UncheckedIOException(new IOException("cannot start the embedded API server on "
                    + options.address().getHostAddress() + ":" + options.port() + ": " + e.getMessage(), e));
        }
    }

    private static void createSystemNamespaces(ApiRouter router) {
        for (String name : SYSTEM_NAMESPACES) {
            String body = "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name
                    + "\"},\"spec\":{\"finalizers\":[\"kubernetes\"]},\"status\":{\"phase\":\"Active\"}}";
            router.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.POST, "/api/v1/namespaces",
                    Headers.builder().add("Content-Type", "application/json").build(),
                    new Buffer(body.getBytes(StandardCharsets.UTF_8))));
        }
    }

    /** The server's base URL, e.g. {@code http://127.0.0.1:40123}. */
    public URI url() {
        return url;
    }

    public int port() {
        return url.getPort();
    }

    /** A kubeconfig whose current context points at this server (namespace "default", no credentials). */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** A Fabric8 client for this server; the caller closes it. */
    public KubernetesClient newClient() {
        try {
            Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
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
     * [--bookmark-interval MILLIS] PORT KUBECONFIG} (PORT 0 picks a free port; {@code --log} prints every request to
     * stderr; {@code --no-schema-validation} stores custom resources unvalidated; the others set
     * {@link Options#watchHistory} and {@link Options#bookmarkInterval}). Prints {@code kubeconfig: PATH} and
     * {@code server: URL} once it serves.
     */
    public static void main(String[] args) throws InterruptedException {
        // Netty's Unsafe use makes JDK 25 print deprecation warnings; the demo's output should not.
        System.setProperty("io.netty.noUnsafe", "true");
        Options options = Options.defaults();
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
                    default -> positional.add(args[i]);
                }
            }
            if (positional.size() != 2) {
                throw new IllegalArgumentException("expected PORT KUBECONFIG");
            }
            options = options.withPort(Integer.parseInt(positional.get(0)))
                    .withKubeconfig(Path.of(positional.get(1)).toAbsolutePath());
        } catch (IOException | RuntimeException e) {
            System.err.println("usage: EmbeddedApiServer [--address ADDR] [--log] [--no-schema-validation] "
                    + "[--watch-history EVENTS] [--bookmark-interval MILLIS] PORT KUBECONFIG (" + e.getMessage()
                    + ")");
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
