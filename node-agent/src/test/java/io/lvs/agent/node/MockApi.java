package io.lvs.agent.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import java.util.HashMap;

/**
 * The Fabric8 mock API server in CRUD mode with watches, for agent tests that need a Kubernetes API but not the
 * project's embedded one (which lives in the e2e module, where the agent's end-to-end tests run).
 */
public final class MockApi implements AutoCloseable {
    private final KubernetesMockServer server;
    private final KubernetesClient client;

    public MockApi() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(),
                false);
        server.init();
        client = server.createClient(b -> b.withKubernetesSerialization(
                new KubernetesSerialization(ApiObjects.configure(new ObjectMapper()), true)));
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
