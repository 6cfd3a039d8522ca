package io.lvs.e2e.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.Optional;

/**
 * Who may come in: every request is authenticated (bearer token; none or an unknown one is 401, as on a server with
 * anonymous requests disabled) and authorized by RBAC before it is routed, and refused with kube-apiserver's 403
 * Status when no role allows it. Each decision goes to the audit log.
 */
final class FrontDoor {

    /** What the front door decided about a request. */
    sealed interface Outcome {
        /** Let in, as {@code attributes.user()}; {@code reason} is the authorizer's. */
        record Admitted(RequestAttributes attributes, String reason) implements Outcome {
            UserInfo user() {
                return attributes.user();
            }
        }

        /** Turned away with {@code response}: unauthenticated (no attributes) or forbidden. */
        record Refused(MockResponse response, Optional<RequestAttributes> attributes, String reason) implements Outcome {
        }
    }

    private final Authenticator authenticator;
    private final Rbac rbac;
    private final AuditLog audit;

    FrontDoor(Authenticator authenticator, Rbac rbac, AuditLog audit) {
        this.authenticator = authenticator;
        this.rbac = rbac;
        this.audit = audit;
    }

    Outcome check(ApiRequest request) {
        Optional<UserInfo> user = authenticator.authenticate(request.header("Authorization"));
        if (user.isEmpty()) {
            return new Outcome.Refused(Responses.failure(401, "Unauthorized", "Unauthorized"), Optional.empty(), "");
        }
        return check(RequestAttributes.of(user.get(), request));
    }

    /** The decision for a request made on the server's own behalf or already authenticated. */
    Outcome check(RequestAttributes attributes) {
        Rbac.Decision decision = rbac.authorize(attributes);
        if (decision.allowed()) {
            return new Outcome.Admitted(attributes, decision.reason());
        }
        return new Outcome.Refused(forbidden(attributes, decision.reason()), Optional.of(attributes), decision.reason());
    }

    /** Records the request's outcome in the audit log (once its response code is known). */
    void audit(ApiRequest request, String uri, Outcome outcome, int code, String stage) {
        switch (outcome) {
            case Outcome.Admitted a -> audit.record(request, uri, Optional.of(a.attributes()), "allow", a.reason(), code,
                    stage);
            case Outcome.Refused r -> audit.record(request, uri, r.attributes(), r.attributes().isPresent() ? "forbid" : "",
                    r.reason(), code, stage);
        }
    }

    /**
     * kube-apiserver's 403: {@code virtualservices.lvs.io "web" is forbidden: User "u" cannot update resource
     * "virtualservices" in API group "lvs.io" in the namespace "default"}, the authorizer's reason appended when it
     * gave one, details naming the object.
     */
    static MockResponse forbidden(RequestAttributes a, String reason) {
        String user = a.user().name();
        String cannot;
        if (!a.resourceRequest()) {
            cannot = "User \"" + user + "\" cannot " + a.verb() + " path \"" + a.path() + "\"";
        } else {
            cannot = "User \"" + user + "\" cannot " + a.verb() + " resource \"" + a.combinedResource() + "\" in API group \""
                    + a.apiGroup() + "\"" + (a.namespace().isEmpty() ? " at the cluster scope"
                    : " in the namespace \"" + a.namespace() + "\"");
        }
        if (!reason.isEmpty()) {
            cannot += ": " + reason;
        }
        String groupResource = a.apiGroup().isEmpty() ? a.resource() : a.resource() + "." + a.apiGroup();
        String message = groupResource.isEmpty() ? "forbidden: " + cannot
                : a.name().isEmpty() ? groupResource + " is forbidden: " + cannot
                : groupResource + " \"" + a.name() + "\" is forbidden: " + cannot;
        ObjectNode status = Responses.failureStatus("Forbidden", message);
        ObjectNode details = status.putObject("details");
        if (!a.name().isEmpty()) {
            details.put("name", a.name());
        }
        if (!a.apiGroup().isEmpty()) {
            details.put("group", a.apiGroup());
        }
        if (!a.resource().isEmpty()) {
            details.put("kind", a.resource());
        }
        status.put("code", 403);
        return Responses.json(403, status);
    }
}
