package io.lvs.agent.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import java.util.HashMap;

/**
 * The Fabric8 mock API server in CRUD mode with watches, for agent tests that need a Kubernetes API but not the
 * project's embedded one (which lives in the e2e module, where the agent's end-to-end tests run).
 */
public final class MockApi implements AutoCloseable {
    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final java.util.concurrent.atomic.AtomicInteger failingUpdates = new java.util.concurrent.atomic.AtomicInteger();
    private volatile String failingPath = "";

    public MockApi() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if ("PUT".equals(request.getMethod()) && failingUpdates.get() > 0 && request.getPath().contains(failingPath)
                        && failingUpdates.getAndDecrement() > 0) {
                    return new MockResponse().setResponseCode(403).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                            + "\"status\":\"Failure\",\"reason\":\"Forbidden\",\"message\":\"injected by the test\",\"code\":403}");
                }
                return super.dispatch(request);
            }
        }, false);
        server.init();
        client = server.createClient(b -> b.withKubernetesSerialization(
                new KubernetesSerialization(ApiObjects.configure(new ObjectMapper()), true)));
    }

    /**
     * The next {@code count} PUTs to a path containing {@code pathPart} are refused with 403: an API server refusing a
     * write for a while (an admission webhook, RBAC being changed); a 5xx the Fabric8 client retries by itself.
     */
    public void failUpdates(String pathPart, int count) {
        failingPath = pathPart;
        failingUpdates.set(count);
    }

    /** A client reading lvs.io objects by the API's rules, as the agent's own client does. */
    public KubernetesClient client() {
        return client;
    }

    /** Another client of the same server (another agent, or the test acting as the operator or a person). */
    public KubernetesClient newClient() {
        return server.createClient(b -> b.withKubernetesSerialization(
                new KubernetesSerialization(ApiObjects.configure(new ObjectMapper()), true)));
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
