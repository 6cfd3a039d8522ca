package io.lvs.e2e.apiserver;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The real kubectl for a test, or the test skipped with the reason when the binaries are neither
 * cached nor fetchable (a broken download fails the test instead).
 */
public final class RealKubectl {

    private RealKubectl() {}

    public static Kubectl against(EmbeddedApiServer server) {
        KubeTools.Found tools = switch (KubeTools.lookup()) {
            case KubeTools.Found found -> found;
            case KubeTools.Unavailable unavailable -> Assumptions.abort("real kubectl needed: " + unavailable.reason());
            case KubeTools.Broken broken -> throw new AssertionError("real kubectl needed: " + broken.reason());
        };
        return Kubectl.of(tools, server);
    }

    /** A directory of test resources as a path kubectl can read. */
    static String resource(String name) {
        try {
            return Path.of(RealKubectl.class.getResource(name).toURI()).toString();
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("no test resource " + name, e);
        }
    }
}
