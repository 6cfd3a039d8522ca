package io.lvs.api.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.CustomResource;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each default in the CRD (what a real API server fills in) equals the Java field initializer (what the operator and
 * agents assume when an object arrives without the field, e.g. from an API server that skipped the schema).
 */
class DefaultsTest {

    @Test
    void crdDefaultsEqualJavaInitializers() throws Exception {
        List<String> checked = new ArrayList<>();
        for (Class<? extends CustomResource<?, ?>> kind : Crds.FILES.keySet()) {
            Type[] args = ((ParameterizedType) kind.getGenericSuperclass()).getActualTypeArguments();
            JsonNode spec = Crds.schema(kind).path("properties").path("spec");
            walk(spec, (Class<?>) args[0], kind.getSimpleName() + ".spec", checked);
        }
        // the walk must have reached the defaults that matter, or it proves nothing
        assertTrue(checked.containsAll(List.of("VirtualService.spec.scheduler.name", "VirtualService.spec.healthCheck.interval",
                "VirtualService.spec.healthCheck.http.expectedStatuses", "VirtualService.spec.failover.advertInterval",
                "VirtualService.spec.forwarding.tunnel.encapsulation", "RealServer.spec.weight")), checked.toString());
    }

    private static void walk(JsonNode schema, Class<?> type, String path, List<String> checked) throws Exception {
        if (!type.getPackageName().startsWith("io.lvs.api") || type.isEnum()) {
            return;
        }
        Object fresh = type.getDeclaredConstructor().newInstance();
        JsonNode javaDefaults = ApiObjects.MAPPER.valueToTree(fresh);
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            Field f = field(type, p.getKey());
            String fp = path + "." + p.getKey();
            if (p.getValue().has("default")) {
                assertEquals(p.getValue().get("default"), javaDefaults.get(p.getKey()),
                        fp + ": the CRD default differs from the Java initializer of " + type.getSimpleName() + "." + f.getName());
                checked.add(fp);
            }
            Class<?> child = f.getType();
            if (List.class.isAssignableFrom(child) && f.getGenericType() instanceof ParameterizedType pt
                    && pt.getActualTypeArguments()[0] instanceof Class<?> element) {
                walk(p.getValue().path("items"), element, fp + "[]", checked);
            } else {
                walk(p.getValue(), child, fp, checked);
            }
        }
    }

    private static Field field(Class<?> type, String jsonName) {
        for (Field f : type.getDeclaredFields()) {
            JsonProperty jp = f.getAnnotation(JsonProperty.class);
            if (f.getName().equals(jsonName) || (jp != null && jp.value().equals(jsonName))) {
                return f;
            }
        }
        throw new AssertionError(type.getSimpleName() + " has no field for schema property " + jsonName);
    }
}
