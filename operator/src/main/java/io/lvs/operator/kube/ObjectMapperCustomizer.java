package io.lvs.operator.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Reads lvs.io objects leniently (see {@link ApiObjects}): an unknown enum value stored by an API server that skipped
 * the schema becomes null, which validation reports on that object, instead of failing every read of its kind.
 */
@Singleton
public class ObjectMapperCustomizer implements KubernetesClientObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
        ApiObjects.configure(mapper);
    }
}
