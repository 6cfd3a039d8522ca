package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/**
 * An audit log in kube-apiserver's format (one {@code audit.k8s.io/v1} Event per line, level Metadata): who asked
 * what, the authorizer's decision and reason, and the response code. Written when the server is asked to
 * ({@code --audit-log FILE}); the record of which rights a run used, comparable with the chart's roles like the audit
 * log of a real cluster. Each line is flushed at once: a killed server leaves a complete log.
 */
final class AuditLog implements AutoCloseable {
    private final Optional<BufferedWriter> out;
    private final Clock clock;

    private AuditLog(Optional<BufferedWriter> out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    static AuditLog none() {
        return new AuditLog(Optional.empty(), Clock.systemUTC());
    }

    static AuditLog to(Path file, Clock clock) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            return new AuditLog(Optional.of(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND)), clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log " + file, e);
        }
    }

    /**
     * One request answered.
     *
     * @param attributes what was authorized; empty when the request was not authenticated
     * @param decision "allow", "forbid", or "" when no authorizer was asked
     * @param stage ResponseComplete, or ResponseStarted for a watch
     */
    void record(ApiRequest request, String uri, Optional<RequestAttributes> attributes, String decision, String reason,
            int code, String stage) {
        if (out.isEmpty()) {
            return;
        }
        ObjectNode event = Json.object();
        event.put("kind", "Event").put("apiVersion", "audit.k8s.io/v1").put("level", "Metadata")
                .put("auditID", UUID.randomUUID().toString()).put("stage", stage).put("requestURI", uri)
                .put("verb", attributes.map(RequestAttributes::verb).orElse(request.method().name().toLowerCase(
                        java.util.Locale.ROOT)));
        ObjectNode user = event.putObject("user");
        attributes.map(RequestAttributes::user).ifPresent(u -> {
            user.put("username", u.name());
            if (!u.uid().isEmpty()) {
                user.put("uid", u.uid());
            }
            user.set("groups", Json.array(u.groups()));
            if (!u.extra().isEmpty()) {
                ObjectNode extra = user.putObject("extra");
                u.extra().forEach((k, v) -> extra.set(k, Json.array(v)));
            }
        });
        request.header("User-Agent").ifPresent(a -> event.put("userAgent", a));
        attributes.filter(RequestAttributes::resourceRequest).ifPresent(a -> {
            ObjectNode ref = event.putObject("objectRef");
            ref.put("resource", a.resource());
            if (!a.namespace().isEmpty()) {
                ref.put("namespace", a.namespace());
            }
            if (!a.name().isEmpty()) {
                ref.put("name", a.name());
            }
            if (!a.apiGroup().isEmpty()) {
                ref.put("apiGroup", a.apiGroup());
            }
            ref.put("apiVersion", a.apiVersion());
            if (!a.subresource().isEmpty()) {
                ref.put("subresource", a.subresource());
            }
        });
        ObjectNode status = event.putObject("responseStatus");
        status.putObject("metadata");
        status.put("code", code);
        String now = clock.instant().truncatedTo(ChronoUnit.MICROS).toString();
        event.put("requestReceivedTimestamp", now).put("stageTimestamp", now);
        if (!decision.isEmpty()) {
            ObjectNode annotations = event.putObject("annotations");
            annotations.put("authorization.k8s.io/decision", decision);
            annotations.put("authorization.k8s.io/reason", reason);
        }
        write(Json.write(event));
    }

    private synchronized void write(String line) {
        try {
            BufferedWriter w = out.orElseThrow();
            w.write(line);
            w.newLine();
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit log", e);
        }
    }

    @Override
    public synchronized void close() {
        out.ifPresent(w -> {
            try {
                w.close();
            } catch (IOException e) {
                // the log is flushed line by line: nothing is lost
            }
        });
    }
}
