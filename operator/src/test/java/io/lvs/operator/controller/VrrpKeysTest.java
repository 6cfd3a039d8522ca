package io.lvs.operator.controller;

import static io.lvs.operator.controller.OperatorTestSupport.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lvs.api.v1alpha1.AgentLeases;
import io.lvs.operator.keys.VrrpKeys;
import io.lvs.operator.model.AgentFixtures;
import io.lvs.operator.model.KeyRotation;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The leader fills the directors' key Secret the chart creates empty and rotates its key in three steps, each waiting
 * until every live agent's Lease says it holds the previous one (here the test plays the agents and their kubelets).
 * It never creates the Secret: the chart's RBAC does not let it create Secrets.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = OperatorLifecycleTest.MayUseLeases.class)
@TestProfile(VrrpKeysTest.KeysKept.class)
class VrrpKeysTest {
    private static final String SECRET = "lvs-vrrp-keys";

    /** Leader election on, a key Secret configured, a rotation every 4 s and 1 s between steps. */
    public static class KeysKept implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.operator-sdk.activate-leader-election-for-profiles", "test",
                    "lvs.vrrp-keys.secret", SECRET, "lvs.vrrp-keys.rotation", "4s", "lvs.vrrp-keys.min-step", "1s");
        }
    }

    @Inject
    KubernetesClient client;

    @Test
    void theLeaderFillsTheChartsKeySecretAndRotatesItsKeyStepByStepBehindTheAgents() {
        agent("node-a", Instant.now(), "");
        agent("node-b", Instant.now(), "");
        agent("node-gone", Instant.now().minusSeconds(600), "1"); // its Lease lapsed long ago: not waited for

        // no Secret: the operator waits for one (it may not create Secrets)
        await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> client.secrets().inNamespace("lvs-system")
                .withName(SECRET).get() == null);
        placeholder("lvs");
        KeyRotation.State first = await().atMost(WAIT).until(this::keys, s -> s != null);
        assertEquals(List.of(1), first.ids());
        assertEquals(KeyRotation.Phase.STABLE, first.phase());
        assertEquals(KeyRotation.SECRET_BYTES, Base64.getDecoder().decode(first.keys().getFirst().secret()).length);

        // the agents load key 1; after the period key 2 is added for everyone to accept
        agent("node-a", Instant.now(), "1");
        agent("node-b", Instant.now(), "1");
        KeyRotation.State accepting = await().atMost(WAIT).until(this::keys, k -> k.phase() == KeyRotation.Phase.ACCEPTING);
        assertEquals(List.of(1, 2), accepting.ids());
        assertEquals(first.keys().getFirst(), accepting.keys().getFirst(), "key 1 is kept and still signs");

        // node-b's kubelet has not refreshed the Secret: key 2 must not sign yet
        agent("node-a", Instant.now(), "1,2");
        await().during(Duration.ofSeconds(4)).atMost(WAIT)
                .until(() -> keys().phase() == KeyRotation.Phase.ACCEPTING);
        agent("node-b", Instant.now(), "1,2");
        KeyRotation.State signing = await().atMost(WAIT).until(this::keys, k -> k.phase() == KeyRotation.Phase.SIGNING);
        assertEquals(List.of(2, 1), signing.ids());

        // key 1 goes only once both sign with key 2
        agent("node-a", Instant.now(), "2,1");
        await().during(Duration.ofSeconds(4)).atMost(WAIT)
                .until(() -> keys().phase() == KeyRotation.Phase.SIGNING);
        agent("node-b", Instant.now(), "2,1");
        KeyRotation.State done = await().atMost(WAIT).until(this::keys, k -> k.phase() == KeyRotation.Phase.STABLE);
        assertEquals(List.of(2), done.ids());
        assertEquals(accepting.keys().getLast(), done.keys().getFirst());

        // a Secret somebody broke by hand is reported, never overwritten
        client.secrets().inNamespace("lvs-system").withName(SECRET).edit(x -> {
            x.setData(Map.of(VrrpKeys.DATA_KEY, Base64.getEncoder().encodeToString("oops".getBytes(StandardCharsets.UTF_8))));
            return x;
        });
        await().during(Duration.ofSeconds(6)).atMost(WAIT).until(() -> "b29wcw==".equals(
                client.secrets().inNamespace("lvs-system").withName(SECRET).get().getData().get(VrrpKeys.DATA_KEY)));
        assertTrue(client.v1().events().inNamespace("lvs-system").list().getItems().stream()
                .filter(e -> "VrrpKeyRotation".equals(e.getReason())).count() >= 4, "an Event per step");
        assertTrue(client.v1().events().inNamespace("lvs-system").list().getItems().stream()
                .anyMatch(e -> "VrrpKeysUnreadable".equals(e.getReason()) && "Warning".equals(e.getType())));

        // gone while the agents hold keys: it is not made again, and no new key is made under them
        client.secrets().inNamespace("lvs-system").withName(SECRET).delete();
        await().during(Duration.ofSeconds(4)).atMost(WAIT).until(() -> keys() == null);

        // the chart's empty placeholder again (helm upgrade), on a cluster whose agents hold no key yet: filled in place
        agent("node-a", Instant.now(), "");
        agent("node-b", Instant.now(), "");
        placeholder("lvs-again");
        KeyRotation.State filled = await().atMost(WAIT).until(this::keys, k -> k != null);
        assertEquals(List.of(1), filled.ids());
        assertEquals("lvs-again", client.secrets().inNamespace("lvs-system").withName(SECRET).get().getMetadata()
                .getLabels().get("chart"), "the chart's Secret is updated in place");
    }

    /** The empty Secret the chart creates for the operator to fill. */
    private void placeholder(String label) {
        client.secrets().inNamespace("lvs-system").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName(SECRET).withNamespace("lvs-system").withLabels(Map.of("chart", label))
                .endMetadata().withType("Opaque").build()).create();
    }

    /** The Secret's keys as the agents' kubelets would project them, or null when there is none. */
    private KeyRotation.State keys() {
        Secret s = client.secrets().inNamespace("lvs-system").withName(SECRET).get();
        if (s == null || s.getData() == null || !s.getData().containsKey(VrrpKeys.DATA_KEY)) {
            return null;
        }
        String text = new String(Base64.getDecoder().decode(s.getData().get(VrrpKeys.DATA_KEY)), StandardCharsets.UTF_8);
        Map<String, String> a = s.getMetadata().getAnnotations();
        return new KeyRotation.State(KeyRotation.parse(text), KeyRotation.Phase.valueOf(a.get(VrrpKeys.PHASE_ANNOTATION)),
                Instant.parse(a.get(VrrpKeys.SINCE_ANNOTATION)));
    }

    /** The agent on {@code node} renews its Lease at {@code renewed}, reporting the key ids it holds. */
    private void agent(String node, Instant renewed, String keyIds) {
        Lease l = AgentFixtures.lease(node, renewed);
        if (!keyIds.isEmpty()) {
            l.getMetadata().setAnnotations(Map.of(AgentLeases.KEY_IDS_ANNOTATION, keyIds));
        }
        Lease current = client.leases().inNamespace("lvs-system").withName(l.getMetadata().getName()).get();
        if (current == null) {
            client.leases().inNamespace("lvs-system").resource(l).create();
        } else {
            current.setSpec(l.getSpec());
            current.getMetadata().setAnnotations(l.getMetadata().getAnnotations());
            client.leases().inNamespace("lvs-system").resource(current).update();
        }
    }
}
