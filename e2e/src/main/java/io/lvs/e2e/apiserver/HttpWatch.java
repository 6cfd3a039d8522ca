package io.lvs.e2e.apiserver;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
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
 * watch event per line (the same {@link WatchSession} as the WebSocket watches of Fabric8 clients).
 */
final class HttpWatch implements WatchSession.Sink {

    private final Context context;
    private final HttpServerResponse response;
    private final AtomicBoolean ended = new AtomicBoolean();

    private HttpWatch(Vertx vertx, HttpServerResponse response) {
        this.context = vertx.getOrCreateContext();
        this.response = response;
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
        // This path never passes through the router's dispatch: the front door is asked here.
        FrontDoor.Outcome outcome = router.admit(request);
        if (outcome instanceof FrontDoor.Outcome.Refused refusal) {
            reply(router, request, outcome, recorded, http.response(), refusal.response());
            return;
        }
        Optional<ResourcePath> path = ResourcePath.parse(request.path());
        Optional<ResourceType> type = path.flatMap(router::typeOf);
        if (type.isEmpty()) {
            reply(router, request, outcome, recorded, http.response(), Responses.noSuchResource());
            return;
        }
        Optional<MockResponse> refused = router.refusedWatch(request, type.get());
        if (refused.isPresent()) {
            reply(router, request, outcome, recorded, http.response(), refused.get());
            return;
        }
        Optional<WatchFilter> filter = router.watchFilter(request, type.get(), path.get());
        Optional<WatchSession.Start> start = router.watchStart(request);
        if (filter.isEmpty() || start.isEmpty()) {
            reply(router, request, outcome, recorded, http.response(),
                    Responses.badRequest("invalid watch parameters (selector or resourceVersion)"));
            return;
        }
        Optional<Duration> timeout = router.watchTimeout(request);
        if (timeout.isEmpty()) {
            reply(router, request, outcome, recorded, http.response(),
                    Responses.badRequest("timeoutSeconds is not a number"));
            return;
        }
        router.audit(request, http.uri(), outcome, 200, "ResponseStarted");
        router.log(http.uri(), HttpMethod.GET, "watch (HTTP stream)");
        HttpServerResponse response = http.response();
        response.setStatusCode(200);
        response.setChunked(true);
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        response.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache, private");
        response.writeHead();
        WatchSession session = router.openWatch(request, type.get(), path.get(), filter.get(), start.get(),
                timeout.get(), new HttpWatch(vertx, response));
        response.closeHandler(ignored -> session.close());
    }

    private static void reply(ApiRouter router, ApiRequest parsed, FrontDoor.Outcome outcome, RecordedRequest request,
            HttpServerResponse response, MockResponse status) {
        router.audit(parsed, request.getPath(), outcome, status.code(), "ResponseComplete");
        router.log(request.getPath(), HttpMethod.GET, Integer.toString(status.code()));
        response.setStatusCode(status.code());
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        response.end(status.getBody() == null ? "" : new String(status.getBody().getBytes(), StandardCharsets.UTF_8));
    }

    /** One event, as a line; written on the event loop, in the order sent. */
    @Override
    public void send(String event) {
        context.runOnContext(ignored -> {
            if (!ended.get() && !response.ended() && !response.closed()) {
                response.write(event + "\n");
            }
        });
    }

    @Override
    public void end() {
        context.runOnContext(ignored -> {
            if (ended.compareAndSet(false, true) && !response.ended() && !response.closed()) {
                response.end();
            }
        });
    }
}
