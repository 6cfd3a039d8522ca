package io.lvs.e2e.apiserver;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request to the API server with its path and query string taken apart and its body
 * read once (the mock's request buffer empties on the first read).
 */
record ApiRequest(HttpMethod method, String path, Map<String, String> query, Headers headers, byte[] body) {

    static ApiRequest of(RecordedRequest request) {
        String uri = request.getPath();
        int question = uri.indexOf('?');
        String path = question < 0 ? uri : uri.substring(0, question);
        Map<String, String> query = new LinkedHashMap<>();
        if (question >= 0) {
            for (String pair : uri.substring(question + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String key = decode(equals < 0 ? pair : pair.substring(0, equals));
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                query.putIfAbsent(key, value);
            }
        }
        byte[] body = request.getBody() == null ? new byte[0] : request.getBody().readByteArray();
        Headers headers = request.getHeaders();
        if (isProtobuf(headers)) {
            // client-go's typed clients (helm's release Secrets) write protobuf; what ProtobufBody reads goes on as JSON
            Optional<byte[]> json = ProtobufBody.toJson(body).map(o -> Json.write(o).getBytes(StandardCharsets.UTF_8));
            if (json.isPresent()) {
                body = json.get();
                headers = headers.newBuilder().setHeader("Content-Type", "application/json").build();
            }
        }
        return new ApiRequest(request.method(), path, Map.copyOf(query), headers, body);
    }

    private static boolean isProtobuf(Headers headers) {
        String contentType = headers.header("Content-Type");
        return contentType != null && contentType.split(";")[0].strip().equalsIgnoreCase(ProtobufBody.MEDIA_TYPE);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    Optional<String> param(String name) {
        return Optional.ofNullable(query.get(name)).filter(v -> !v.isEmpty());
    }

    Optional<String> header(String name) {
        return Optional.ofNullable(headers.header(name));
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    boolean isWatch() {
        return param("watch").map(v -> v.equals("true") || v.equals("1")).orElse(false);
    }

    /** The same request for the mock store: another path (no query string) and body. */
    RecordedRequest toStore(HttpMethod storeMethod, String storePath, String contentType, byte[] storeBody) {
        Headers storeHeaders = headers.newBuilder()
                .setHeader("Content-Type", contentType)
                .setHeader("Content-Length", Integer.toString(storeBody.length))
                .build();
        return new RecordedRequest("HTTP/1.1", storeMethod, storePath, storeHeaders, new Buffer(storeBody));
    }
}
