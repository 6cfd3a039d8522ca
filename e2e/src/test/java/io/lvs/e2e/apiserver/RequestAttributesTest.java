package io.lvs.e2e.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Test;

/**
 * What the authorizer is asked about a request, as kube-apiserver's RequestInfoFactory takes it from the path,
 * method and query: "verb group/resource/subresource namespace/name", or "verb path" for a non-resource request.
 */
class RequestAttributesTest {

    private static String asked(HttpMethod method, String uri) {
        RequestAttributes a = RequestAttributes.of(UserInfo.admin(),
                ApiRequest.of(new RecordedRequest("HTTP/1.1", method, uri, Headers.builder().build(), null)));
        if (!a.resourceRequest()) {
            return a.verb() + " " + a.path();
        }
        return a.verb() + " " + a.apiGroup() + "/" + a.combinedResource() + " " + a.namespace() + "/" + a.name();
    }

    @Test
    void methodsCollectionsAndWatchesMakeTheVerb() {
        String vs = "/apis/lvs.io/v1alpha1/namespaces/default/virtualservices";
        assertEquals("get lvs.io/virtualservices default/web", asked(HttpMethod.GET, vs + "/web"));
        assertEquals("list lvs.io/virtualservices default/", asked(HttpMethod.GET, vs));
        assertEquals("watch lvs.io/virtualservices default/", asked(HttpMethod.GET, vs + "?watch=true"));
        assertEquals("watch lvs.io/virtualservices default/", asked(HttpMethod.GET, vs + "?watch=1"));
        assertEquals("list lvs.io/virtualservices /", asked(HttpMethod.GET, "/apis/lvs.io/v1alpha1/virtualservices"));
        assertEquals("create lvs.io/virtualservices default/", asked(HttpMethod.POST, vs));
        assertEquals("update lvs.io/virtualservices/status default/web", asked(HttpMethod.PUT, vs + "/web/status"));
        assertEquals("patch lvs.io/virtualservices default/web", asked(HttpMethod.PATCH, vs + "/web"));
        assertEquals("delete lvs.io/virtualservices default/web", asked(HttpMethod.DELETE, vs + "/web"));
        assertEquals("deletecollection lvs.io/virtualservices default/", asked(HttpMethod.DELETE, vs));
        assertEquals("watch coordination.k8s.io/leases lvs-system/", asked(HttpMethod.GET,
                "/apis/coordination.k8s.io/v1/watch/namespaces/lvs-system/leases"), "the deprecated /watch/ path");
    }

    @Test
    void aListOrWatchOfOneNameIsAboutThatName() {
        assertEquals("watch apps/daemonsets lvs-system/lvs-node-agent", asked(HttpMethod.GET,
                "/apis/apps/v1/namespaces/lvs-system/daemonsets?watch=true&fieldSelector=metadata.name%3Dlvs-node-agent"));
        assertEquals("list /pods ns/p1", asked(HttpMethod.GET,
                "/api/v1/namespaces/ns/pods?fieldSelector=spec.nodeName%3Dn1,metadata.name%3D%3Dp1"));
        assertEquals("list /pods ns/", asked(HttpMethod.GET, "/api/v1/namespaces/ns/pods?fieldSelector=metadata.name%21%3Dp1"),
                "a selector that excludes a name names nothing");
    }

    @Test
    void aNamespaceIsInItselfAndCoreObjectsHaveTheEmptyGroup() {
        assertEquals("get /namespaces team-a/team-a", asked(HttpMethod.GET, "/api/v1/namespaces/team-a"));
        assertEquals("update /namespaces/status team-a/team-a", asked(HttpMethod.PUT, "/api/v1/namespaces/team-a/status"));
        assertEquals("list /namespaces /", asked(HttpMethod.GET, "/api/v1/namespaces"));
        assertEquals("create /serviceaccounts/token lvs-system/agent", asked(HttpMethod.POST,
                "/api/v1/namespaces/lvs-system/serviceaccounts/agent/token"));
        assertEquals("list /nodes /", asked(HttpMethod.GET, "/api/v1/nodes"));
    }

    @Test
    void discoveryAndEverythingElseArePaths() {
        assertEquals("get /api", asked(HttpMethod.GET, "/api"));
        assertEquals("get /api/v1", asked(HttpMethod.GET, "/api/v1"));
        assertEquals("get /apis/lvs.io/v1alpha1", asked(HttpMethod.GET, "/apis/lvs.io/v1alpha1?timeout=32s"));
        assertEquals("get /openapi/v3/apis/lvs.io/v1alpha1", asked(HttpMethod.GET, "/openapi/v3/apis/lvs.io/v1alpha1"));
        assertEquals("post /healthz", asked(HttpMethod.POST, "/healthz"));
    }
}
