package io.lvs.e2e.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** REST paths and Accept headers taken apart as the API server routes them. */
class RequestParsingTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "/api/v1/namespaces;                                       ;v1;;namespaces;;",
        "/api/v1/namespaces/demo;                                  ;v1;;namespaces;demo;",
        "/api/v1/namespaces/demo/status;                           ;v1;;namespaces;demo;status",
        "/api/v1/namespaces/demo/configmaps;                       ;v1;demo;configmaps;;",
        "/api/v1/namespaces/demo/configmaps/c1;                    ;v1;demo;configmaps;c1;",
        "/apis/e2e.lvs.io/v1alpha1/frontends;                      e2e.lvs.io;v1alpha1;;frontends;;",
        "/apis/e2e.lvs.io/v1alpha1/namespaces/default/frontends/web/status; e2e.lvs.io;v1alpha1;default;frontends;web;status",
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/x.y; apiextensions.k8s.io;v1;;customresourcedefinitions;x.y;",
    })
    void pathsNameGroupVersionNamespaceResourceNameSubresource(String path, String group, String version,
            String namespace, String plural, String name, String subresource) {
        ResourcePath parsed = ResourcePath.parse(path).orElseThrow();
        assertEquals(orEmpty(group), parsed.group());
        assertEquals(version, parsed.version());
        assertEquals(Optional.ofNullable(namespace), parsed.namespace());
        assertEquals(plural, parsed.plural());
        assertEquals(Optional.ofNullable(name), parsed.name());
        assertEquals(Optional.ofNullable(subresource), parsed.subresource());
        assertEquals(path, parsed.path());
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    @Test
    void discoveryAndOtherPathsNameNoObjects() {
        assertEquals(Optional.empty(), ResourcePath.parse("/apis/e2e.lvs.io/v1alpha1"));
        assertEquals(Optional.empty(), ResourcePath.parse("/version"));
        assertEquals(Optional.empty(), ResourcePath.parse("/api/v1/namespaces/a/pods/b/log/extra"));
    }

    @ParameterizedTest(name = "Accept: {0}")
    @CsvSource(delimiter = '|', value = {
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json | v1",
        "application/json;as=Table;v=v1beta1;g=meta.k8s.io | v1beta1",
        "application/json | ''",
        "application/vnd.kubernetes.protobuf,application/json | ''",
        "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json | ''",
        "'' | ''",
    })
    void kubectlAsksForTablesInItsAcceptHeader(String accept, String version) {
        assertEquals(version.isEmpty() ? Optional.empty() : Optional.of(version), TableRequest.version(accept));
    }

    @Test
    void kubernetesVersionsSortGaFirstThenBetaThenAlpha() {
        List<String> versions = new ArrayList<>(List.of(
                "v1alpha1", "foo1", "v2beta1", "v1", "v11alpha2", "v2", "v1beta2", "v12alpha1", "v10beta3"));
        versions.sort(ResourceCatalog::byKubeVersionPriority);
        assertEquals(List.of("v2", "v1", "v10beta3", "v2beta1", "v1beta2", "v12alpha1", "v11alpha2",
                "v1alpha1", "foo1"), versions);
    }
}
