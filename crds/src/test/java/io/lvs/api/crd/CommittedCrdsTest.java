package io.lvs.api.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The CRD YAML committed under {@code crds/} (for {@code kubectl apply -f crds/}, the source of truth) and its templated
 * copy in the Helm chart's CRD subchart must be exactly what the build generates from the Java API types. Run with
 * {@code -Dlvs.crds.update=true} to rewrite them.
 */
class CommittedCrdsTest {
    /** Where each copy lives, and how it is rendered. */
    private record Target(Path dir, Function<ObjectNode, String> render) {
    }

    private static final List<Target> TARGETS = List.of(
            new Target(Crds.repositoryRoot().resolve("crds"), Crds::render),
            new Target(Crds.repositoryRoot().resolve("helm/lvs-operator/charts/crds/templates"), Crds::renderForChart));

    @Test
    void committedCrdsMatchTheGeneratedOnes() throws IOException {
        boolean update = Boolean.getBoolean("lvs.crds.update");
        for (var e : Crds.FILES.entrySet()) {
            for (Target target : TARGETS) {
                String expected = target.render().apply(Crds.generated(e.getKey()));
                Path file = target.dir().resolve(e.getValue());
                if (update) {
                    Files.createDirectories(target.dir());
                    Files.writeString(file, expected);
                }
                assertEquals(expected, Crds.readCommitted(file), file + " differs from the CRD generated from "
                        + e.getKey().getSimpleName() + "; regenerate with ./mvnw -pl crds test -Dlvs.crds.update=true");
            }
        }
    }

    @Test
    void theChartsCopyIsTheCommittedCrdKeptOnUninstall() throws IOException {
        for (String file : Crds.FILES.values()) {
            var committed = Crds.YAML.readTree(Crds.repositoryRoot().resolve("crds").resolve(file).toFile());
            var chart = (ObjectNode) Crds.YAML.readTree(
                    Crds.repositoryRoot().resolve("helm/lvs-operator/charts/crds/templates").resolve(file).toFile());
            assertEquals("keep", chart.at("/metadata/annotations/helm.sh~1resource-policy").asText(), file);
            ((ObjectNode) chart.get("metadata")).remove("annotations");
            assertEquals(committed, chart, file + ": the chart's copy differs from crds/ beyond its annotation");
        }
    }
}
