package io.lvs.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.lvs.api.v1alpha1.NodeReport;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VipPool;
import io.lvs.api.v1alpha1.VirtualService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The project's CRDs as the build generates them: the Fabric8 generator's output (target/classes/META-INF/fabric8)
 * with printer columns put back in the order the resource classes declare them (the generator sorts them by
 * JSONPath, which would put AGE first in {@code kubectl get}). {@link #render} gives the exact text committed under
 * {@code crds/}, {@link #renderForChart} the chart's templated copy in {@code helm/lvs-operator/charts/crds/templates/}.
 */
public final class Crds {
    /** Each kind's class and the file name of its CRD. */
    public static final Map<Class<? extends CustomResource<?, ?>>, String> FILES = new LinkedHashMap<>();

    static {
        FILES.put(VirtualService.class, "virtualservices.lvs.io.yaml");
        FILES.put(RealServer.class, "realservers.lvs.io.yaml");
        FILES.put(NodeReport.class, "nodereports.lvs.io.yaml");
        FILES.put(VipPool.class, "vippools.lvs.io.yaml");
    }

    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));
    public static final ObjectMapper JSON = new ObjectMapper();

    private static final String HEADER = "# Generated from crds/src/main/java (lvs.io/v1alpha1) - do not edit.\n"
            + "# Regenerate with: ./mvnw -pl crds test -Dlvs.crds.update=true\n";

    private Crds() {
    }

    /** The repository root (the crds module's parent directory). */
    public static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        return p.getFileName().toString().equals("crds") ? p.getParent() : p;
    }

    /** The generated CRD of {@code kind}, with printer columns in declaration order. */
    public static ObjectNode generated(Class<? extends CustomResource<?, ?>> kind) {
        String plural = io.fabric8.kubernetes.api.model.HasMetadata.getPlural(kind);
        String group = io.fabric8.kubernetes.api.model.HasMetadata.getGroup(kind);
        String resource = "/META-INF/fabric8/" + plural + "." + group + "-v1.yml";
        try (InputStream in = Crds.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing: the crd-generator plugin runs at process-classes");
            }
            ObjectNode crd = (ObjectNode) YAML.readTree(in);
            for (JsonNode version : crd.path("spec").path("versions")) {
                reorderColumns(kind, (ObjectNode) version);
                describe(kind, (ObjectNode) version.path("schema").path("openAPIV3Schema"));
            }
            return crd;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The generator ignores {@code @JsonClassDescription}; put the kind's description on the root and the spec and
     * status classes' descriptions on those properties, so {@code kubectl explain} shows them.
     */
    private static void describe(Class<?> kind, ObjectNode root) {
        root.put("description", description(kind));
        java.lang.reflect.Type[] args = ((java.lang.reflect.ParameterizedType) kind.getGenericSuperclass())
                .getActualTypeArguments();
        ((ObjectNode) root.path("properties").path("spec")).put("description", description((Class<?>) args[0]));
        if (args[1] == Void.class) {
            ((ObjectNode) root.path("properties")).remove("status"); // a kind without status (the generator adds one)
        } else {
            ((ObjectNode) root.path("properties").path("status")).put("description", description((Class<?>) args[1]));
        }
    }

    private static String description(Class<?> c) {
        com.fasterxml.jackson.annotation.JsonClassDescription d =
                c.getAnnotation(com.fasterxml.jackson.annotation.JsonClassDescription.class);
        if (d == null) {
            throw new IllegalStateException(c.getSimpleName() + " needs a @JsonClassDescription for kubectl explain");
        }
        return d.value();
    }

    private static void reorderColumns(Class<?> kind, ObjectNode version) {
        ArrayNode columns = (ArrayNode) version.get("additionalPrinterColumns");
        if (columns == null) {
            return;
        }
        List<JsonNode> ordered = new ArrayList<>();
        for (AdditionalPrinterColumn declared : kind.getAnnotationsByType(AdditionalPrinterColumn.class)) {
            for (JsonNode c : columns) {
                if (c.path("name").asText().equals(declared.name())) {
                    ordered.add(c);
                }
            }
        }
        if (ordered.size() != columns.size()) {
            throw new IllegalStateException(kind.getSimpleName() + ": generated printer columns " + columns
                    + " do not match the declared ones");
        }
        columns.removeAll();
        columns.addAll(ordered);
    }

    /** The committed text of a CRD. */
    public static String render(ObjectNode crd) {
        try {
            return HEADER + YAML.writeValueAsString(crd);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The committed text of a CRD in the Helm chart (a template of the subchart {@code helm/lvs-operator/charts/crds},
     * so that {@code helm upgrade} upgrades it): the same CRD, annotated {@code helm.sh/resource-policy: keep} so that
     * neither an uninstall nor {@code crds.enabled=false} deletes it, and every object of its kind with it.
     */
    public static String renderForChart(ObjectNode crd) {
        ObjectNode copy = crd.deepCopy();
        ObjectNode metadata = YAML.createObjectNode();
        metadata.putObject("annotations").put("helm.sh/resource-policy", "keep");
        metadata.setAll((ObjectNode) crd.path("metadata"));
        copy.set("metadata", metadata);
        try {
            return HEADER + "# In the chart: a template, kept on helm uninstall (helm.sh/resource-policy: keep).\n"
                    + YAML.writeValueAsString(copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The openAPIV3Schema of the served version of {@code kind}. */
    public static JsonNode schema(Class<? extends CustomResource<?, ?>> kind) {
        return generated(kind).path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
    }

    /** Reads a committed file, or null when it does not exist. */
    public static String readCommitted(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
