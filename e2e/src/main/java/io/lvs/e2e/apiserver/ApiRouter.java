package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.CompatibilityFlags;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The API server's front door: authenticates and authorizes every request ({@link FrontDoor}) before it routes it,
 * answers the self reviews and TokenRequests, serves discovery, OpenAPI and server-side tables itself, corrects
 * what the mock store gets wrong (merge patch, selectors, list kinds, error reasons, CRD status), puts custom
 * resources through {@link Admission} (schema pruning, defaults and validation) and every write through the
 * ValidatingAdmissionPolicies before it is written, serves watches from the store's history ({@link WatchSession}),
 * and hands the remaining reads and writes to the Fabric8 CRUD store.
 *
 * <p>It runs on the HTTP server's one event loop, so its read-then-write sequences (a merge patch
 * reads the object, then writes the equivalent JSON patch) never interleave with other requests.
 */
final class ApiRouter extends Dispatcher {

    static final String CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    private static final String JSON = "application/json";
    private static final String JSON_PATCH = "application/json-patch+json";
    private static final String MERGE_PATCH = "application/merge-patch+json";
    private static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";

    /** A real server ends a watch after 30 to 60 minutes; clients then watch again. */
    static final Duration WATCH_TIMEOUT = Duration.ofMinutes(30);

    /**
     * What watches need besides the store: the event loop's timers, and how often a watch that allows bookmarks
     * gets one (a real server: about every minute).
     */
    record Watches(io.vertx.core.Vertx vertx, Duration bookmarkInterval) {
    }

    private final IndexedStore store;
    private final Watches watches;
    private final ResourceCatalog catalog;
    private final Discovery discovery;
    private final OpenApiV3 openApi;
    private final Supplier<String> serverAddress;
    private final Clock clock;
    private final Consumer<String> requestLog;
    private final Admission admission;
    private final Rbac rbac;
    private final FrontDoor frontDoor;
    private final AccessReviews reviews;
    private final TokenRequests tokens;
    private final AdmissionPolicies policies;

    /**
     * @param serverAddress "host:port" as clients reach this server, for {@code /api}
     * @param requestLog receives one line per request answered ("GET /api/v1/pods -> 200")
     * @param authenticator who a request's token names
     * @param serviceAccounts signs the tokens TokenRequests ask for
     * @param audit where each request's authorization decision is recorded
     */
    ApiRouter(IndexedStore store, Supplier<String> serverAddress, Clock clock,
            Consumer<String> requestLog, Admission admission, Watches watches, Authenticator authenticator,
            ServiceAccountTokens serviceAccounts, AuditLog audit) {
        this.store = store;
        this.admission = admission;
        this.watches = watches;
        this.requestLog = requestLog;
        this.catalog = new ResourceCatalog(this::storedCrds);
        this.discovery = new Discovery(catalog);
        this.openApi = new OpenApiV3(catalog);
        this.serverAddress = serverAddress;
        this.clock = clock;
        this.rbac = new Rbac(this::storedItems);
        this.frontDoor = new FrontDoor(authenticator, rbac, audit);
        this.reviews = new AccessReviews(rbac);
        this.tokens = new TokenRequests(serviceAccounts, this::storedObject, clock);
        this.policies = new AdmissionPolicies(this::storedItems, this::storedObject);
    }

    /** Every client request: authenticated and authorized at the front door, then routed. */
    @Override
    public MockResponse dispatch(RecordedRequest raw) {
        ApiRequest request = ApiRequest.of(raw);
        FrontDoor.Outcome outcome = frontDoor.check(request);
        MockResponse response = switch (outcome) {
            case FrontDoor.Outcome.Refused refused -> refused.response();
            case FrontDoor.Outcome.Admitted admitted -> routeSafely(request, admitted.user());
        };
        boolean watch = response.getWebSocketListener() != null;
        frontDoor.audit(request, raw.getPath(), outcome, watch ? 200 : response.code(),
                watch ? "ResponseStarted" : "ResponseComplete");
        log(raw.getPath(), request.method(), watch ? "watch (WebSocket)" : Integer.toString(response.code()));
        return response;
    }

    /** A request the server makes on its own behalf at start (system namespaces, default RBAC): not authorized. */
    MockResponse dispatchAsServer(RecordedRequest raw) {
        return routeSafely(ApiRequest.of(raw), UserInfo.apiServer());
    }

    private MockResponse routeSafely(ApiRequest request, UserInfo user) {
        MockResponse response;
        try {
            response = route(request, user);
        } catch (RuntimeException e) {
            response = Responses.failure(500, "InternalError", "embedded API server failed on " + request.method()
                    + " " + request.path() + ": " + e);
        }
        if (response.header("Content-Type") == null && response.getBody() != null && response.getBody().size() > 0) {
            // the store answers writes without one; client-go then reads the body in the type it sent (protobuf)
            response.setHeader("Content-Type", JSON);
        }
        return response;
    }

    /** The front door's decision on a request that does not pass through {@link #dispatch} (HTTP watches). */
    FrontDoor.Outcome admit(ApiRequest request) {
        return frontDoor.check(request);
    }

    /** Records a request answered outside {@link #dispatch} in the audit log. */
    void audit(ApiRequest request, String uri, FrontDoor.Outcome outcome, int code, String stage) {
        frontDoor.audit(request, uri, outcome, code, stage);
    }

    void log(String uri, HttpMethod method, String outcome) {
        requestLog.accept(method + " " + uri + " -> " + outcome);
    }

    private MockResponse route(ApiRequest request, UserInfo user) {
        if (request.method() == HttpMethod.POST) {
            Optional<MockResponse> review = reviews.answer(request, user)
                    .or(() -> tokens.answer(request.path(), request.bodyText()));
            if (review.isPresent()) {
                return review.get();
            }
        }
        if (request.method() == HttpMethod.GET) {
            Optional<MockResponse> meta = metadataEndpoint(request.path());
            if (meta.isPresent()) {
                return meta.get();
            }
        }
        Optional<ResourcePath> parsed = ResourcePath.parse(request.path());
        if (parsed.isEmpty()) {
            return Responses.noSuchResource();
        }
        ResourcePath path = parsed.get();
        Optional<ResourceType> resolved = resolve(path);
        if (resolved.isEmpty()) {
            return Responses.noSuchResource();
        }
        ResourceType type = resolved.get();
        if (request.method() != HttpMethod.GET && request.param("dryRun").isPresent()) {
            return Responses.badRequest("dry run is not supported by the embedded API server (a Fabric8 mock store)");
        }
        if (request.method() != HttpMethod.GET && type.namespaced() && path.namespace().isEmpty()) {
            return Responses.failure(405, "MethodNotAllowed", request.method() + " on " + type.groupResource()
                    + " needs a namespace in the path");
        }
        MockResponse response = switch (request.method()) {
            case GET -> request.isWatch() ? watchOverWebSocket(request, type, path) : read(request, type, path);
            case POST -> create(request, type, path, user);
            case PUT -> update(request, type, path, user);
            case PATCH -> patch(request, type, path, user);
            case DELETE -> delete(request, type, path, user);
            default -> Responses.failure(405, "MethodNotAllowed", request.method() + " is not supported");
        };
        if (isCrd(type) && request.method() != HttpMethod.GET) {
            crdWrites.incrementAndGet(); // after the write: a snapshot taken before it is stale now
        }
        if (request.method() != HttpMethod.GET && type.group().equals(Rbac.GROUP)) {
            rbac.invalidate();
        }
        if (request.method() != HttpMethod.GET && type.group().equals(AdmissionPolicies.GROUP)) {
            policies.invalidate();
        }
        return response;
    }

    // ---- discovery, version, OpenAPI, health -------------------------------------------------

    private Optional<MockResponse> metadataEndpoint(String path) {
        String[] parts = path.replaceAll("^/+|/+$", "").split("/");
        MockResponse response = switch (path) {
            case "/version" -> Responses.json(200, Discovery.version());
            case "/api" -> Responses.json(200, Discovery.coreVersions(serverAddress.get()));
            case "/apis" -> Responses.json(200, discovery.groups());
            case "/healthz", "/livez", "/readyz" -> new MockResponse().setResponseCode(200)
                    .setHeader("Content-Type", "text/plain").setBody("ok");
            case "/openapi/v3" -> Responses.json(200, openApi.index());
            case "/openapi/v2" -> Responses.failure(404, "NotFound",
                    "OpenAPI v2 is not served by the embedded API server; use OpenAPI v3");
            default -> null;
        };
        if (response != null) {
            return Optional.of(response);
        }
        if (parts.length == 2 && parts[0].equals("api")) {
            return Optional.of(discovery.resources("", parts[1]).map(r -> Responses.json(200, r))
                    .orElseGet(Responses::noSuchResource));
        }
        if (parts.length == 3 && parts[0].equals("apis")) {
            return Optional.of(discovery.resources(parts[1], parts[2]).map(r -> Responses.json(200, r))
                    .orElseGet(Responses::noSuchResource));
        }
        if (parts.length == 5 && path.startsWith("/openapi/v3/apis/")) {
            return Optional.of(openApi.document(parts[3], parts[4]).map(d -> Responses.json(200, d))
                    .orElseGet(Responses::noSuchResource));
        }
        return Optional.empty();
    }

    /**
     * The served type a path names. Paths in built-in groups that discovery does not list still
     * reach the store (the operator may use more built-in types than are listed); paths in other
     * groups need a CRD, which the mock alone would not insist on.
     */
    private Optional<ResourceType> resolve(ResourcePath path) {
        Optional<ResourceType> served = catalog.find(path.group(), path.version(), path.plural());
        if (served.isPresent()) {
            ResourceType type = served.get();
            boolean scopeFits = type.namespaced() == path.namespace().isPresent()
                    || (type.namespaced() && path.isCollection() && path.subresource().isEmpty());
            boolean subresourceServed = path.subresource().map(type.subresources()::contains).orElse(true);
            return scopeFits && subresourceServed ? served : Optional.empty();
        }
        if (!BuiltinTypes.GROUPS.contains(path.group())) {
            return Optional.empty();
        }
        return Optional.of(new ResourceType(path.group(), path.version(), "", path.plural(), "",
                path.namespace().isPresent(), List.of(), List.of(), List.of("status"),
                List.of(PrinterColumn.age()), Optional.empty(), false, List.of()));
    }

    // ---- reads -------------------------------------------------------------------------------

    private MockResponse read(ApiRequest request, ResourceType type, ResourcePath path) {
        Selector labels;
        Selector fields;
        try {
            labels = request.param("labelSelector").map(Selector::labels).orElse(Selector.EVERYTHING);
            fields = request.param("fieldSelector").map(Selector::fields).orElse(Selector.EVERYTHING);
        } catch (IllegalArgumentException e) {
            return Responses.badRequest(e.getMessage());
        }
        Optional<String> unsupported = path.isCollection() ? type.unsupportedField(fields.keys()) : Optional.empty();
        if (unsupported.isPresent()) {
            return Responses.badRequest("field label not supported: " + unsupported.get());
        }
        if (!path.isCollection()) {
            MockResponse stored = store.handleGet(path.objectPath());
            if (stored.code() != 200) {
                return Responses.notFound(type, path.name().orElseThrow());
            }
            JsonNode object = body(stored);
            return respond(request, type, List.of(object),
                    object.path("metadata").path("resourceVersion").asText(), Optional.empty(), Optional.empty(), 0);
        }
        JsonNode list = body(store.handleGet(path.collectionPath()));
        List<JsonNode> items = new ArrayList<>();
        for (JsonNode item : list.path("items")) {
            if (labels.matches(item) && fields.matches(item)) {
                items.add(item);
            }
        }
        // A real server lists in key order (namespace, then name); the store in write order.
        items.sort(Comparator.comparing(ApiRouter::key));
        String resourceVersion = list.path("metadata").path("resourceVersion").asText();
        Page page;
        try {
            page = Page.of(items, request.param("limit"), request.param("continue"), resourceVersion);
        } catch (IllegalArgumentException e) {
            return Responses.badRequest(e.getMessage());
        }
        return respond(request, type, page.items(), page.resourceVersion(),
                Optional.of(type.kind().isEmpty() ? "List" : type.kind() + "List"), page.next(), page.remaining());
    }

    /** An object's key as a real server orders lists: namespace, then name. */
    private static String key(JsonNode item) {
        return item.path("metadata").path("namespace").asText("") + "/" + item.path("metadata").path("name").asText("");
    }

    /**
     * One page of a list, as {@code limit} and {@code continue} ask: at most {@code limit} items after the key the
     * token carries, and a token for the rest while any remain. Every page reports the resourceVersion of the first
     * (a real server serves the pages from one snapshot; this one, from the current state, so an object written
     * between pages may show in a later page).
     */
    record Page(List<JsonNode> items, String resourceVersion, Optional<String> next, long remaining) {
        static Page of(List<JsonNode> sorted, Optional<String> limitParam, Optional<String> token, String currentRv) {
            String rv = currentRv;
            List<JsonNode> rest = sorted;
            if (token.isPresent() && !token.get().isEmpty()) {
                JsonNode decoded;
                try {
                    decoded = Json.parse(new String(java.util.Base64.getUrlDecoder().decode(token.get()),
                            java.nio.charset.StandardCharsets.UTF_8)).orElseThrow();
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("continue key is not valid: " + token.get());
                }
                String after = decoded.path("start").asText();
                rv = decoded.path("rv").asText(currentRv);
                rest = sorted.stream().filter(i -> key(i).compareTo(after) > 0).toList();
            }
            long limit = 0;
            if (limitParam.isPresent() && !limitParam.get().isEmpty()) {
                try {
                    limit = Long.parseLong(limitParam.get());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("limit must be an integer (got " + limitParam.get() + ")");
                }
            }
            if (limit <= 0 || rest.size() <= limit) {
                return new Page(rest, rv, Optional.empty(), 0);
            }
            List<JsonNode> page = rest.subList(0, (int) limit);
            ObjectNode next = Json.object();
            next.put("v", "meta.k8s.io/v1");
            next.put("rv", rv);
            next.put("start", key(page.getLast()));
            String encoded = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    next.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return new Page(page, rv, Optional.of(encoded), rest.size() - limit);
        }
    }

    /** The objects as JSON, or as a Table if the client asked for one. */
    private MockResponse respond(ApiRequest request, ResourceType type, List<JsonNode> objects,
            String resourceVersion, Optional<String> listKind, Optional<String> next, long remaining) {
        Optional<String> tableVersion = TableRequest.version(request.header("Accept").orElse(""));
        if (tableVersion.isPresent()) {
            ServerSideTable.IncludeObject include =
                    ServerSideTable.IncludeObject.of(request.param("includeObject").orElse("Metadata"));
            ObjectNode table = ServerSideTable.render(type, objects, resourceVersion, include,
                    tableVersion.get(), true, clock.instant());
            if (next.isPresent()) {
                markPage(table.path("metadata").isObject() ? (ObjectNode) table.get("metadata")
                        : table.putObject("metadata"), request, next.get(), remaining);
            }
            return Responses.json(200, table,
                    "application/json;as=Table;v=" + tableVersion.get() + ";g=meta.k8s.io");
        }
        if (listKind.isEmpty()) {
            return Responses.json(200, objects.getFirst());
        }
        ObjectNode list = Json.object();
        list.put("apiVersion", type.groupVersion());
        list.put("kind", listKind.get());
        ObjectNode metadata = list.putObject("metadata");
        metadata.put("resourceVersion", resourceVersion);
        next.ifPresent(token -> markPage(metadata, request, token, remaining));
        ArrayNode items = list.putArray("items");
        objects.forEach(items::add);
        return Responses.json(200, list);
    }

    /** A page that is not the last: its continue token, and how many remain unless a selector narrows the list. */
    private static void markPage(ObjectNode metadata, ApiRequest request, String token, long remaining) {
        metadata.put("continue", token);
        boolean selected = request.param("labelSelector").isPresent() || request.param("fieldSelector").isPresent();
        if (!selected) { // a real server cannot count what remains of a selection
            metadata.put("remainingItemCount", remaining);
        }
    }

    /** Fabric8 clients watch over WebSocket: the same watch as an HTTP stream, its events in WebSocket frames. */
    private MockResponse watchOverWebSocket(ApiRequest request, ResourceType type, ResourcePath path) {
        Optional<MockResponse> refused = refusedWatch(request, type);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<WatchFilter> filter = watchFilter(request, type, path);
        Optional<WatchSession.Start> start = watchStart(request);
        Optional<Duration> timeout = watchTimeout(request);
        if (filter.isEmpty() || start.isEmpty() || timeout.isEmpty()) {
            return Responses.badRequest("invalid watch parameters (selector, resourceVersion or timeoutSeconds)");
        }
        return new MockResponse().withWebSocketUpgrade(new WatchSocket(sink -> openWatch(request, type, path,
                filter.get(), start.get(), timeout.get(), sink)));
    }

    /** The 400 a real server gives a watch whose field selector names a field the type does not select on. */
    Optional<MockResponse> refusedWatch(ApiRequest request, ResourceType type) {
        try {
            List<String> keys = Selector.fields(request.param("fieldSelector").orElse("")).keys();
            return type.unsupportedField(keys).map(f -> Responses.badRequest("field label not supported: " + f));
        } catch (IllegalArgumentException e) {
            return Optional.of(Responses.badRequest(e.getMessage()));
        }
    }

    /** The filter for a watch request, or empty if its selectors do not parse. */
    Optional<WatchFilter> watchFilter(ApiRequest request, ResourceType type, ResourcePath path) {
        try {
            Selector labels = request.param("labelSelector").map(Selector::labels).orElse(Selector.EVERYTHING);
            String fieldSelector = request.param("fieldSelector").orElse("")
                    + path.name().map(n -> ",metadata.name=" + n).orElse("");
            Selector fields = Selector.fields(fieldSelector);
            Optional<String> tableVersion = TableRequest.version(request.header("Accept").orElse(""));
            WatchFilter.Rendering rendering = tableVersion
                    .<WatchFilter.Rendering>map(v -> new WatchFilter.AsTables(
                            ServerSideTable.IncludeObject.of(request.param("includeObject").orElse("Metadata")), v))
                    .orElse(new WatchFilter.AsObjects());
            return Optional.of(new WatchFilter(type, path.namespace(), labels, fields, rendering, clock));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Where a watch starts: the current state when it names no resourceVersion, "0", or asks for initial events
     * ({@code sendInitialEvents=true}, which a bookmark then ends); after its resourceVersion otherwise. Empty when
     * the resourceVersion is not a number.
     */
    Optional<WatchSession.Start> watchStart(ApiRequest request) {
        String rv = request.param("resourceVersion").orElse("0");
        boolean initialEvents = request.param("sendInitialEvents").orElse("").equals("true");
        if (rv.equals("0") || initialEvents) {
            return Optional.of(new WatchSession.Start(java.util.OptionalLong.empty(), initialEvents));
        }
        try {
            return Optional.of(new WatchSession.Start(java.util.OptionalLong.of(Long.parseLong(rv)), false));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code timeoutSeconds}, or the time a real server gives a watch (30 minutes at least); empty if unreadable. */
    Optional<Duration> watchTimeout(ApiRequest request) {
        try {
            return Optional.of(request.param("timeoutSeconds").map(Long::parseLong).map(Duration::ofSeconds)
                    .orElse(WATCH_TIMEOUT));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Starts a watch on {@code sink}: both watch paths end here. */
    WatchSession openWatch(ApiRequest request, ResourceType type, ResourcePath path, WatchFilter filter,
            WatchSession.Start start, Duration timeout, WatchSession.Sink sink) {
        WatchSession session = new WatchSession(watches.vertx(), store, type, path, filter, sink);
        boolean bookmarks = request.param("allowWatchBookmarks").orElse("").equals("true");
        session.open(start, bookmarks, watches.bookmarkInterval(), timeout);
        return session;
    }

    /** Resolves a path for the HTTP watch handler, with the same rules as every other request. */
    Optional<ResourceType> typeOf(ResourcePath path) {
        return resolve(path);
    }

    // ---- writes ------------------------------------------------------------------------------

    /**
     * 415 for bodies that are not JSON (kubectl's typed commands such as {@code create namespace}
     * send protobuf, which needs the built-in types' schemas this server does not have), 400 for
     * a body that is not JSON (saying why, e.g. nested too deep) or JSON that is not an object.
     */
    private static Optional<MockResponse> unreadableBody(ApiRequest request) {
        String contentType = request.header("Content-Type").orElse("application/json").split(";")[0].strip()
                .toLowerCase(Locale.ROOT);
        if (!contentType.equals(JSON)) {
            return Optional.of(Responses.unsupportedMediaType("the body of the request was in an unknown format - "
                    + "accepted media types include: application/json"));
        }
        Optional<String> problem = Json.problem(request.bodyText());
        if (problem.isPresent()) {
            return Optional.of(Responses.badRequest(problem.get()));
        }
        if (Json.parse(request.bodyText()).filter(JsonNode::isObject).isEmpty()) {
            return Optional.of(Responses.badRequest("the request body is not a JSON object"));
        }
        return Optional.empty();
    }

    private MockResponse create(ApiRequest request, ResourceType type, ResourcePath path, UserInfo user) {
        if (!path.isCollection()) {
            return Responses.failure(405, "MethodNotAllowed", "POST is not allowed on a named object");
        }
        Optional<MockResponse> unreadable = unreadableBody(request);
        if (unreadable.isPresent()) {
            return unreadable.get();
        }
        Admission.Outcome outcome = admission.admit(type, Admission.Write.CREATE,
                (ObjectNode) Json.parse(request.bodyText()).orElseThrow(), Optional.empty(),
                request.param("fieldValidation"));
        if (outcome instanceof Admission.Refused refused) {
            return refused.response();
        }
        Admission.Admitted admitted = (Admission.Admitted) outcome;
        ObjectNode object = admitted.object();
        if (!type.namespaced() && object.path("metadata").isObject()) {
            ((ObjectNode) object.get("metadata")).remove("namespace");
        }
        Optional<MockResponse> denied = policies.validate(new AdmissionPolicies.Request(
                AdmissionPolicies.Operation.CREATE, type, path, Optional.of(object), Optional.empty(), user));
        if (denied.isPresent()) {
            return denied.get();
        }
        MockResponse created = store.handleCreate(
                request.toStore(HttpMethod.POST, path.collectionPath(), JSON, bytes(object)));
        return warned(afterWrite(created, HttpMethod.POST, type, object), admitted.warnings());
    }

    private MockResponse update(ApiRequest request, ResourceType type, ResourcePath path, UserInfo user) {
        if (path.isCollection()) {
            return Responses.failure(405, "MethodNotAllowed", "PUT needs a named object");
        }
        Optional<MockResponse> unreadable = unreadableBody(request);
        if (unreadable.isPresent()) {
            return unreadable.get();
        }
        Optional<JsonNode> body = Json.parse(request.bodyText());
        MockResponse current = store.handleGet(path.objectPath());
        if (current.code() != 200) {
            return Responses.notFound(type, path.name().orElseThrow());
        }
        // The store skips this check on /status; a real server never does.
        String expected = body.get().path("metadata").path("resourceVersion").asText("");
        String actual = body(current).path("metadata").path("resourceVersion").asText();
        if (!expected.isEmpty() && !expected.equals(actual)) {
            return conflict(type, path.name().orElseThrow());
        }
        Admission.Outcome outcome = admission.admit(type, path.subresource().isPresent()
                        ? Admission.Write.UPDATE_STATUS : Admission.Write.UPDATE, (ObjectNode) body.get(),
                Optional.of(body(current)), request.param("fieldValidation"));
        if (outcome instanceof Admission.Refused refused) {
            return refused.response();
        }
        Admission.Admitted admitted = (Admission.Admitted) outcome;
        ObjectNode object = admitted.object();
        if (!type.namespaced() && object.path("metadata").isObject()) {
            ((ObjectNode) object.get("metadata")).remove("namespace");
        }
        Optional<MockResponse> denied = policies.validate(new AdmissionPolicies.Request(
                AdmissionPolicies.Operation.UPDATE, type, path, Optional.of(object), Optional.of(body(current)), user));
        if (denied.isPresent()) {
            return denied.get();
        }
        MockResponse updated = store.handleUpdate(request.toStore(HttpMethod.PUT, path.path(), JSON, bytes(object)));
        return warned(afterWrite(updated, HttpMethod.PUT, type, object), admitted.warnings());
    }

    private MockResponse patch(ApiRequest request, ResourceType type, ResourcePath path, UserInfo user) {
        if (path.isCollection()) {
            return Responses.failure(405, "MethodNotAllowed", "PATCH needs a named object");
        }
        String contentType = request.header("Content-Type").orElse("").split(";")[0].strip()
                .toLowerCase(Locale.ROOT);
        Optional<JsonNode> patch = Json.parse(request.bodyText());
        if (patch.isEmpty()) {
            return Responses.badRequest("the patch is not JSON");
        }
        MockResponse current = store.handleGet(path.objectPath());
        if (current.code() != 200) {
            return Responses.notFound(type, path.name().orElseThrow());
        }
        JsonNode before = body(current);
        Optional<MockResponse> unsupported = switch (contentType) {
            case JSON_PATCH, MERGE_PATCH -> Optional.empty();
            case STRATEGIC_MERGE_PATCH -> type.custom()
                    ? Optional.of(Responses.unsupportedMediaType("strategic merge patch is not supported for custom "
                            + "resources; use application/merge-patch+json or application/json-patch+json"))
                    : Optional.empty();
            default -> Optional.of(Responses.unsupportedMediaType("the body of the request was in an unknown format - "
                    + "accepted media types include: " + JSON_PATCH + ", " + MERGE_PATCH
                    + " (server-side apply is not supported by the embedded API server)"));
        };
        if (unsupported.isPresent()) {
            return unsupported.get();
        }
        // Merge patches become the equivalent JSON patch: the store's own merge is not RFC 7386.
        JsonNode merged;
        try {
            merged = switch (contentType) {
                case JSON_PATCH -> null;
                case STRATEGIC_MERGE_PATCH -> StrategicMergePatch.apply(before, patch.get());
                default -> MergePatch.apply(before, patch.get());
            };
        } catch (StrategicMergePatch.Unsupported e) {
            return Responses.unsupportedMediaType(e.getMessage());
        }
        JsonNode jsonPatch = merged == null ? patch.get()
                : JsonDiff.asJson(before, merged, EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION));
        JsonNode after;
        try {
            // Strict RFC 6902, as a real server applies it: removing what is not there is an error.
            after = JsonPatch.apply(jsonPatch, before, EnumSet.of(CompatibilityFlags.FORBID_REMOVE_MISSING_OBJECT));
        } catch (RuntimeException e) {
            return Responses.failure(422, "Invalid", "the patch cannot be applied to " + type.groupResource() + " \""
                    + path.name().orElseThrow() + "\": " + e.getMessage(), Optional.of(type), path.name());
        }
        if (!(after instanceof ObjectNode patchedObject)) {
            return Responses.failure(422, "Invalid", "the patch makes " + type.groupResource() + " \""
                    + path.name().orElseThrow() + "\" something other than an object", Optional.of(type), path.name());
        }
        Admission.Outcome outcome = admission.admit(type, path.subresource().isPresent()
                        ? Admission.Write.UPDATE_STATUS : Admission.Write.UPDATE, patchedObject, Optional.of(before),
                request.param("fieldValidation"));
        if (outcome instanceof Admission.Refused refused) {
            return refused.response();
        }
        Admission.Admitted admitted = (Admission.Admitted) outcome;
        if (!admitted.object().equals(after)) { // pruned, defaulted or split by the status subresource
            after = admitted.object();
            jsonPatch = JsonDiff.asJson(before, after, EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION,
                    DiffFlags.OMIT_COPY_OPERATION));
        }
        Optional<MockResponse> denied = policies.validate(new AdmissionPolicies.Request(
                AdmissionPolicies.Operation.UPDATE, type, path, Optional.of(after), Optional.of(before), user));
        if (denied.isPresent()) {
            return denied.get();
        }
        MockResponse patched = store.handlePatch(
                request.toStore(HttpMethod.PATCH, path.path(), JSON_PATCH, bytes(jsonPatch)));
        return warned(afterWrite(patched, HttpMethod.PATCH, type, after), admitted.warnings());
    }

    /** A real server's {@code Warning} headers (RFC 7234 code 299), one per warning, as kubectl prints them. */
    private static MockResponse warned(MockResponse response, List<String> warnings) {
        for (String warning : warnings) {
            response.addHeader("Warning", "299 - " + io.lvs.apiserver.model.GoText.quote(warning));
        }
        return response;
    }

    private MockResponse delete(ApiRequest request, ResourceType type, ResourcePath path, UserInfo user) {
        if (path.isCollection()) {
            MockResponse listed = read(request, type, path);
            if (listed.code() != 200) {
                return listed;
            }
            for (JsonNode item : body(listed).path("items")) { // admitted each, or none deleted
                ResourcePath itemPath = new ResourcePath(path.group(), path.version(),
                        Optional.ofNullable(item.path("metadata").path("namespace").asText(null)), path.plural(),
                        Optional.of(item.path("metadata").path("name").asText()), Optional.empty());
                Optional<MockResponse> denied = policies.validate(new AdmissionPolicies.Request(
                        AdmissionPolicies.Operation.DELETE, type, itemPath, Optional.empty(), Optional.of(item), user));
                if (denied.isPresent()) {
                    return denied.get();
                }
            }
            for (JsonNode item : body(listed).path("items")) {
                String namespace = item.path("metadata").path("namespace").asText("");
                String prefix = type.apiPrefix() + (namespace.isEmpty() ? "" : "/namespaces/" + namespace);
                store.handleDelete(prefix + "/" + type.plural() + "/" + item.path("metadata").path("name").asText());
            }
            return listed;
        }
        MockResponse existing = store.handleGet(path.objectPath());
        if (existing.code() == 200) {
            Optional<MockResponse> denied = policies.validate(new AdmissionPolicies.Request(
                    AdmissionPolicies.Operation.DELETE, type, path, Optional.empty(), Optional.of(body(existing)), user));
            if (denied.isPresent()) {
                return denied.get();
            }
        }
        Optional<JsonNode> crd = isCrd(type) ? Optional.of(body(existing)) : Optional.empty();
        MockResponse deleted = store.handleDelete(path.objectPath());
        if (deleted.code() == 404) {
            return Responses.notFound(type, path.name().orElseThrow());
        }
        crd.ifPresent(this::deleteCustomResources);
        return deleted;
    }

    // ---- CustomResourceDefinitions -----------------------------------------------------------

    private static boolean isCrd(ResourceType type) {
        return type.group().equals("apiextensions.k8s.io") && type.plural().equals("customresourcedefinitions");
    }

    /**
     * The stored CRDs, read again only after a write to one: every request resolves its type through them, and reading
     * them means scanning the whole store and parsing each CRD's schema.
     */
    private List<JsonNode> storedCrds() {
        long generation = crdWrites.get();
        CrdSnapshot cached = crdSnapshot;
        if (cached != null && cached.generation() == generation) {
            return cached.crds();
        }
        List<JsonNode> crds = new ArrayList<>();
        body(store.handleGet(CRD_PATH)).path("items").forEach(crds::add);
        List<JsonNode> read = List.copyOf(crds);
        crdSnapshot = new CrdSnapshot(generation, read); // stale at once if a write ended meanwhile: its generation moved
        return read;
    }

    /** The CRDs as read while {@code generation} CRD writes had completed. */
    private record CrdSnapshot(long generation, List<JsonNode> crds) {
    }

    private final java.util.concurrent.atomic.AtomicLong crdWrites = new java.util.concurrent.atomic.AtomicLong();
    private volatile CrdSnapshot crdSnapshot;

    /**
     * Marks a CRD Established and NamesAccepted, as the real server does within moments of
     * creating it; {@code kubectl wait --for=condition=Established} relies on it.
     */
    private void establish(String name) {
        MockResponse current = store.handleGet(CRD_PATH + "/" + name);
        if (current.code() != 200) {
            return;
        }
        ObjectNode crd = (ObjectNode) body(current);
        ObjectNode status = CrdStatus.established(crd, clock.instant());
        if (CrdStatus.sameApartFromTimes(status, crd.path("status"))) {
            return;
        }
        crd.set("status", status);
        store.handleUpdate(new RecordedRequest("HTTP/1.1", HttpMethod.PUT, CRD_PATH + "/" + name + "/status",
                Headers.builder().add("Content-Type", JSON).build(), new Buffer(bytes(crd))));
    }

    /** Deleting a CRD deletes its objects (finalizers are honoured: those objects are only marked). */
    private void deleteCustomResources(JsonNode crd) {
        ResourceCatalog.typesOf(crd).forEach(type -> store.handleDelete(type.apiPrefix() + "/" + type.plural()));
    }

    // ---- helpers -----------------------------------------------------------------------------

    /**
     * The store's answer to a write, corrected: 409s get the reasons clients look for
     * (AlreadyExists, Conflict) instead of Invalid; a patch answers 200, not 202; a write that
     * removed the last finalizer of an object being deleted answers with the object instead of
     * nothing; a written CRD is then established.
     *
     * @param written the object as the client wrote it (or as the patch made it)
     */
    private MockResponse afterWrite(MockResponse response, HttpMethod method, ResourceType type, JsonNode written) {
        int code = response.code();
        if (code == 409) {
            JsonNode status = body(response);
            if (status.isObject()) {
                ((ObjectNode) status).put("reason", method == HttpMethod.POST ? "AlreadyExists" : "Conflict");
                return Responses.json(409, status);
            }
            return response;
        }
        if (code / 100 != 2) {
            return response;
        }
        MockResponse answer = response.getBody() == null || response.getBody().size() == 0
                ? Responses.json(code, written) : response;
        if (code == 202) {
            answer.setResponseCode(200);
        }
        if (isCrd(type)) {
            establish(body(answer).path("metadata").path("name").asText());
        }
        return answer;
    }

    private static MockResponse conflict(ResourceType type, String name) {
        return Responses.failure(409, "Conflict", "Operation cannot be fulfilled on " + type.groupResource() + " \""
                + name + "\": the object has been modified; please apply your changes to the latest version "
                + "and try again", Optional.of(type), Optional.of(name));
    }

    /** The stored objects of a collection path (all namespaces when it names none). */
    private List<JsonNode> storedItems(String collectionPath) {
        List<JsonNode> items = new ArrayList<>();
        body(store.handleGet(collectionPath)).path("items").forEach(items::add);
        return List.copyOf(items);
    }

    /** The stored object at {@code objectPath}, if there is one. */
    private Optional<JsonNode> storedObject(String objectPath) {
        MockResponse stored = store.handleGet(objectPath);
        return stored.code() == 200 ? Optional.of(body(stored)) : Optional.empty();
    }

    static JsonNode body(MockResponse response) {
        if (response.getBody() == null) {
            return Json.object();
        }
        return Json.parse(new String(response.getBody().getBytes(), StandardCharsets.UTF_8)).orElse(Json.object());
    }

    private static byte[] bytes(JsonNode node) {
        return Json.write(node).getBytes(StandardCharsets.UTF_8);
    }
}
