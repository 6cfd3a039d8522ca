package io.lvs.e2e.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Strategic merge patch as kube-apiserver applies the patches Helm's and kubectl's three-way merges send. */
class StrategicMergePatchTest {
    private static final String DAEMONSET = """
            {"metadata": {"name": "lvs-node-agent", "finalizers": ["a"]},
             "spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
              "template": {"spec": {
                "containers": [
                  {"name": "agent", "image": "lvs/agent:1", "resources": {"requests": {"memory": "96Mi"}},
                   "env": [{"name": "NODE_NAME", "value": "x"}, {"name": "LOG", "value": "info"}],
                   "ports": [{"containerPort": 9470, "name": "http"}]},
                  {"name": "sidecar", "image": "busybox"}],
                "tolerations": [{"operator": "Exists"}]}}}}
            """;

    private static JsonNode patched(String patch) {
        return StrategicMergePatch.apply(json(DAEMONSET), json(patch));
    }

    private static JsonNode json(String text) {
        return Json.parse(text).orElseThrow();
    }

    private static JsonNode container(JsonNode ds, int i) {
        return ds.path("spec").path("template").path("spec").path("containers").get(i);
    }

    @Test
    void helmsPatchOfOneContainersResourcesKeepsItsImageAndTheOtherContainer() {
        // what Helm sent when the chart's memory request changed (HelmUpgradeTest found the server refusing it)
        JsonNode ds = patched("""
                {"spec": {"template": {"spec": {
                  "$setElementOrder/containers": [{"name": "agent"}, {"name": "sidecar"}],
                  "containers": [{"name": "agent", "resources": {"requests": {"memory": "192Mi"}}}]}}}}
                """);
        assertEquals("192Mi", container(ds, 0).path("resources").path("requests").path("memory").asText());
        assertEquals("lvs/agent:1", container(ds, 0).path("image").asText());
        assertEquals("sidecar", container(ds, 1).path("name").asText());
        assertEquals(2, container(ds, 0).path("env").size(), "untouched lists stay");
    }

    @Test
    void listsWithAMergeKeyMergeByItListsWithoutOneAreReplaced() {
        JsonNode ds = patched("""
                {"spec": {"template": {"spec": {
                  "containers": [{"name": "agent", "env": [{"name": "LOG", "value": "debug"}, {"name": "NEW", "value": "1"}],
                                  "ports": [{"containerPort": 9471, "name": "probe"}]}],
                  "tolerations": [{"key": "lvs", "operator": "Exists"}]}}}}
                """);
        JsonNode env = container(ds, 0).path("env");
        assertEquals(json("""
                [{"name": "NODE_NAME", "value": "x"}, {"name": "LOG", "value": "debug"}, {"name": "NEW", "value": "1"}]
                """), env);
        assertEquals(2, container(ds, 0).path("ports").size(), "ports merge by containerPort");
        assertEquals(json("[{\"key\": \"lvs\", \"operator\": \"Exists\"}]"),
                ds.path("spec").path("template").path("spec").path("tolerations"), "tolerations have no merge key");
    }

    @Test
    void theDirectivesDeleteReplaceRetainOrderAndRemovePrimitives() {
        JsonNode ds = patched("""
                {"metadata": {"finalizers": ["b"], "$deleteFromPrimitiveList/finalizers": ["a"]},
                 "spec": {
                  "updateStrategy": {"$retainKeys": ["type"], "type": "OnDelete"},
                  "template": {"spec": {
                   "$setElementOrder/containers": [{"name": "sidecar"}, {"name": "agent"}],
                   "containers": [{"name": "agent", "env": [{"name": "LOG", "$patch": "delete"}],
                                   "resources": {"$patch": "replace", "limits": {"memory": "256Mi"}}}]}}}}
                """);
        assertEquals(json("[\"b\"]"), ds.path("metadata").path("finalizers"), "a set: b added, a deleted");
        assertEquals(json("{\"type\": \"OnDelete\"}"), ds.path("spec").path("updateStrategy"));
        assertEquals("sidecar", container(ds, 0).path("name").asText(), "$setElementOrder orders the merged list");
        JsonNode agent = container(ds, 1);
        assertEquals(json("[{\"name\": \"NODE_NAME\", \"value\": \"x\"}]"), agent.path("env"));
        assertEquals(json("{\"limits\": {\"memory\": \"256Mi\"}}"), agent.path("resources"));
    }

    @Test
    void aNullDeletesAFieldAndAnUnknownDirectiveIsRefusedNotGuessed() {
        JsonNode ds = patched("{\"spec\": {\"updateStrategy\": null}}");
        assertTrue(ds.path("spec").path("updateStrategy").isMissingNode());
        StrategicMergePatch.Unsupported e = assertThrows(StrategicMergePatch.Unsupported.class,
                () -> patched("{\"spec\": {\"$unknown\": 1}}"));
        assertTrue(e.getMessage().contains("$unknown"), e.getMessage());
        assertThrows(StrategicMergePatch.Unsupported.class, () -> patched("{\"spec\": {\"template\": {\"spec\": "
                + "{\"containers\": [{\"image\": \"no-name\"}]}}}}"), "an element without its merge key");
    }
}
