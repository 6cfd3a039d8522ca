package io.lvs.e2e.apiserver;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches as kubectl and client-go make them: a long-lived chunked HTTP response carrying one JSON
 * watch event per line. The mock store only streams watches over WebSocket, so this adapter plays
 * the WebSocket the store writes to and forwards each (filtered) event to the HTTP response.
 */
final class HttpWatch implements WebSocket {

    /** A real server closes watches after 30 to 60 minutes; clients then re-watch. */
    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    private final Vertx vertx;
    private final Context context;
    private final HttpServerResponse response;
    private final RecordedRequest request;
    private final WatchFilter filter;
    private final WebSocketListener storeWatch;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String initialEventsEnd;
    private int initialEventsLeft;

    private HttpWatch(Vertx vertx, HttpServerResponse response, RecordedRequest request, WatchFilter filter,
            WebSocketListener storeWatch, int initialEvents, String initialEventsEnd) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.response = response;
        this.request = request;
        this.filter = filter;
        this.storeWatch = storeWatch;
        this.initialEventsLeft = initialEvents;
        this.initialEventsEnd = initialEventsEnd;
    }

    /** True for {@code ?watch=true} requests that do not ask for a WebSocket upgrade. */
    static boolean isHttpWatch(HttpServerRequest http) {
        String upgrade = http.getHeader(HttpHeaders.UPGRADE);
        if (http.method() != io.vertx.core.http.HttpMethod.GET || (upgrade != null && !upgrade.isEmpty())) {
            return false;
        }
        String watch = http.getParam("watch");
        return "true".equals(watch) || "1".equals(watch);
    }

    /** Answers one HTTP watch request; runs on the server's event loop. */
    static void serve(Vertx vertx, HttpServerRequest http, ApiRouter router) {
        RecordedRequest recorded = new RecordedRequest("HTTP/1.1", HttpMethod.GET, http.uri(),
                Headers.builder().addAll(http.headers()).build(), null);
        ApiRequest request = ApiRequest.of(recorded);
        Optional<ResourcePath> path = ResourcePath.parse(request.path());
        Optional<ResourceType> type = path.flatMap(router::typeOf);
        if (type.isEmpty()) {
            reply(router, recorded, http.response(), Responses.noSuchResource());
            return;
        }
        Optional<MockResponse> refused = router.refusedWatch(request, type.get());
        if (refused.isPresent()) {
            reply(router, recorded, http.response(), refused.get());
            return;
        }
        Optional<WatchFilter> filter = router.watchFilter(request, type.get(), path.get());
        if (filter.isEmpty()) {
            reply(router, recorded, http.response(),
                    Responses.badRequest("invalid watch parameters (selector or resourceVersion)"));
            return;
        }
        long timeoutMillis;
        try {
            timeoutMillis = request.param("timeoutSeconds").map(Long::parseLong).map(s -> s * 1000)
                    .orElse(DEFAULT_TIMEOUT.toMillis());
        } catch (NumberFormatException e) {
            reply(router, recorded, http.response(), Responses.badRequest("timeoutSeconds is not a number"));
            return;
        }
        router.log(http.uri(), HttpMethod.GET, "watch (HTTP stream)");
        boolean initialEvents = request.param("sendInitialEvents").orElse("").equals("true");
        int initialCount = initialEvents ? router.storedCount(path.get()) : -1;
        String bookmark = filter.get().initialEventsEnd(router.currentResourceVersion(path.get()));
        MockResponse storeWatch = router.storeWatch(path.get());

        HttpServerResponse response = http.response();
        response.setStatusCode(200);
        response.setChunked(true);
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        response.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache, private");
        response.writeHead();

        HttpWatch watch = new HttpWatch(vertx, response, recorded, filter.get(),
                storeWatch.getWebSocketListener(), initialCount, bookmark);
        long timer = vertx.setTimer(Math.max(1, timeoutMillis), id -> watch.close(1000, "watch timeout"));
        response.closeHandler(ignored -> {
            vertx.cancelTimer(timer);
            watch.close(1000, "client went away");
        });
        watch.storeWatch.onOpen(watch, storeWatch);
        if (initialCount == 0) {
            watch.write(bookmark);
        }
    }

    private static void reply(ApiRouter router, RecordedRequest request, HttpServerResponse response,
            MockResponse status) {
        router.log(request.getPath(), HttpMethod.GET, Integer.toString(status.code()));
        response.setStatusCode(status.code());
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        response.end(status.getBody() == null ? "" : new String(status.getBody().getBytes(), StandardCharsets.UTF_8));
    }

    @Override
    public RecordedRequest request() {
        return request;
    }

    /** Called by the store, on its own thread, once per event. */
    @Override
    public boolean send(String storeEvent) {
        if (closed.get()) {
            return false;
        }
        synchronized (filter) {
            filter.apply(storeEvent).ifPresent(this::write);
            if (initialEventsLeft > 0 && --initialEventsLeft == 0) {
                write(initialEventsEnd);
            }
        }
        return true;
    }

    @Override
    public boolean send(byte[] bytes) {
        return send(new String(bytes, StandardCharsets.UTF_8));
    }

    private void write(String event) {
        context.runOnContext(ignored -> {
            if (!closed.get() && !response.ended() && !response.closed()) {
                response.write(event + "\n");
            }
        });
    }

    /** Ends the stream and unregisters from the store; the store's cleanup blocks, so not on the event loop. */
    @Override
    public boolean close(int code, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        context.runOnContext(ignored -> {
            if (!response.ended() && !response.closed()) {
                response.end();
            }
        });
        vertx.executeBlocking(() -> {
            storeWatch.onClosed(this, code, reason);
            return null;
        }, false);
        return true;
    }
}
