package io.lvs.e2e.apiserver;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

/**
 * Puts a {@link WatchFilter} between the mock store's watch listener and the socket its events go
 * out on, a WebSocket (Fabric8 clients) or an HTTP stream (kubectl, client-go).
 */
final class FilteredWatchListener extends WebSocketListener {

    private final WebSocketListener store;
    private final WatchFilter filter;
    private FilteredSocket socket;

    FilteredWatchListener(WebSocketListener store, WatchFilter filter) {
        this.store = store;
        this.filter = filter;
    }

    /** The store remembers the socket it saw first, so every callback must hand it the same wrapper. */
    private synchronized WebSocket wrap(WebSocket out) {
        if (socket == null) {
            socket = new FilteredSocket(out, filter);
        }
        return socket;
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
        store.onBeforeAccept(wrap(webSocket), response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
        store.onOpen(wrap(webSocket), response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
        store.onMessage(wrap(webSocket), text);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
        store.onMessage(wrap(webSocket), bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
        store.onClosing(wrap(webSocket), code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
        store.onClosed(wrap(webSocket), code, reason);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable error, Response response) {
        store.onFailure(wrap(webSocket), error, response);
    }

    private record FilteredSocket(WebSocket out, WatchFilter filter) implements WebSocket {

        @Override
        public RecordedRequest request() {
            return out.request();
        }

        @Override
        public boolean send(String text) {
            synchronized (filter) {
                return filter.apply(text).map(out::send).orElse(true);
            }
        }

        @Override
        public boolean send(byte[] bytes) {
            return send(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public boolean close(int code, String reason) {
            return out.close(code, reason);
        }
    }
}
