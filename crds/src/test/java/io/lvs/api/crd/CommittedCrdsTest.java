package io.lvs.api.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CRD YAML committed under {@code crds/} (for {@code kubectl apply -f crds/}) and in the Helm chart must be
 * exactly what the build generates from the Java API types. Run with {@code -Dlvs.crds.update=true} to rewrite them.
 */
class CommittedCrdsTest {
    private static final List<Path> TARGETS = List.of(
            Crds.repositoryRoot().resolve("crds"),
            Crds.repositoryRoot().resolve("helm/lvs-operator/crds"));

    @Test
    void committedCrdsMatchTheGeneratedOnes() throws IOException {
        boolean update = Boolean.getBoolean("lvs.crds.update");
        for (var e : Crds.FILES.entrySet()) {
            String expected = Crds.render(Crds.generated(e.getKey()));
            for (Path dir : TARGETS) {
                Path file = dir.resolve(e.getValue());
                if (update) {
                    Files.createDirectories(dir);
                    Files.writeString(file, expected);
                }
                assertEquals(expected, Crds.readCommitted(file), file + " differs from the CRD generated from "
                        + e.getKey().getSimpleName() + "; regenerate with ./mvnw -pl crds test -Dlvs.crds.update=true");
            }
        }
    }
}
