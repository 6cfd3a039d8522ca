package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One watch, whichever way its events travel (an HTTP stream or a WebSocket): it opens on the store's history,
 * sends what the client missed, then each change through its {@link WatchFilter}; it sends BOOKMARKs when the client
 * allows them (every {@code bookmarkInterval}, and once more before the watch times out) so that a client can resume
 * from a recent version; it ends after its timeout. A watch from a version the history no longer reaches (or that
 * this server never issued) gets the real server's 410 as an ERROR event and ends, and the client lists again.
 */
final class WatchSession implements EventHistory.Watcher {

    /** Where a watch's events go: one JSON document per call. */
    interface Sink {
        void send(String event);

        /** Ends the stream; the client re-watches. */
        void end();
    }

    /** Where the watch starts: the current state, or after a resourceVersion. */
    record Start(OptionalLong since, boolean initialEventsEnd) {
    }

    private final Vertx vertx;
    private final IndexedStore store;
    private final EventHistory.TypeKey key;
    private final String collectionPath;
    private final WatchFilter filter;
    private final Sink sink;
    private final AtomicBoolean closed = new AtomicBoolean();
    private long bookmarkTimer = -1;
    private long timeoutTimer = -1;

    WatchSession(Vertx vertx, IndexedStore store, ResourceType type, ResourcePath path, WatchFilter filter, Sink sink) {
        this.vertx = vertx;
        this.store = store;
        this.key = EventHistory.TypeKey.of(type);
        this.collectionPath = path.collectionPath();
        this.filter = filter;
        this.sink = sink;
    }

    /**
     * Sends the replay and follows the store until {@code timeout}.
     *
     * @param bookmarks the client's {@code allowWatchBookmarks}: a BOOKMARK every {@code interval}
     */
    void open(Start start, boolean bookmarks, Duration interval, Duration timeout) {
        IndexedStore.Opening opening = store.watch(key, collectionPath, start.since(), this, opened -> {
            synchronized (this) {
                for (EventHistory.Event e : opened.replay()) {
                    filter.apply(e, new EventHistory.Parsed(e)).ifPresent(sink::send);
                }
                if (start.initialEventsEnd()) {
                    sink.send(filter.initialEventsEnd(opened.current()));
                }
            }
        });
        switch (opening) {
            case IndexedStore.TooOld old -> {
                fail(status(410, "Expired", "too old resource version: " + start.since().getAsLong() + " ("
                        + old.oldest() + ")"));
                return;
            }
            case IndexedStore.TooNew tooNew -> {
                ObjectNode status = status(504, "Timeout", "Timeout: Too large resource version: "
                        + start.since().getAsLong() + ", current: " + tooNew.current());
                ObjectNode details = status.putObject("details");
                details.putArray("causes").addObject().put("reason", "ResourceVersionTooLarge")
                        .put("message", "Too large resource version");
                details.put("retryAfterSeconds", 1);
                fail(status);
                return;
            }
            case IndexedStore.Opened opened -> {
            }
        }
        if (bookmarks) {
            bookmarkTimer = vertx.setPeriodic(Math.max(1, interval.toMillis()), id -> bookmark());
        }
        timeoutTimer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> {
            if (bookmarks) {
                bookmark();
            }
            close();
        });
    }

    /** A change of the watched type: called under the store's write lock, so in the order of the changes. */
    @Override
    public synchronized void deliver(EventHistory.Event event, EventHistory.Parsed parsed) {
        if (!closed.get()) {
            filter.apply(event, parsed).ifPresent(sink::send);
        }
    }

    /**
     * Tells the client the version it has reached: taken under the store's lock, so every change up to it has been
     * handed to the sink before the bookmark.
     */
    private void bookmark() {
        if (closed.get()) {
            return;
        }
        store.atVersion(rv -> {
            synchronized (this) {
                sink.send(filter.bookmark(rv));
            }
        });
    }

    /** Ends the watch (its timeout, the client gone, the server closing); safe to call more than once. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        store.unwatch(key, this);
        if (bookmarkTimer >= 0) {
            vertx.cancelTimer(bookmarkTimer);
        }
        if (timeoutTimer >= 0) {
            vertx.cancelTimer(timeoutTimer);
        }
        sink.end();
    }

    /** A watch that cannot start: the real server's ERROR event carrying the Status, then the end of the stream. */
    private void fail(ObjectNode status) {
        closed.set(true);
        sink.send(WatchFilter.event("ERROR", status));
        sink.end();
    }

    private static ObjectNode status(int code, String reason, String message) {
        return Responses.failureStatus(reason, message).put("code", code);
    }
}
