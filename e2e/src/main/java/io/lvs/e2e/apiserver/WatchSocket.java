package io.lvs.e2e.apiserver;

import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.function.Function;

/**
 * A watch over WebSocket, as Fabric8 clients make them: one text frame per event. The watch opens once the upgrade
 * is accepted and closes when either side closes the socket.
 */
final class WatchSocket extends WebSocketListener implements WatchSession.Sink {

    private final Function<WatchSession.Sink, WatchSession> opener;
    private volatile WebSocket socket;
    private volatile WatchSession session;

    /** @param opener opens the watch on the sink it is given */
    WatchSocket(Function<WatchSession.Sink, WatchSession> opener) {
        this.opener = opener;
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
        socket = webSocket;
        session = opener.apply(this);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
        ended();
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
        ended();
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable error, Response response) {
        ended();
    }

    private void ended() {
        WatchSession s = session;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void send(String event) {
        socket.send(event);
    }

    @Override
    public void end() {
        socket.close(1000, "");
    }
}
