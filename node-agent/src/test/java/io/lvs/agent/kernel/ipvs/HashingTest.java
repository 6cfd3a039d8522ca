package io.lvs.agent.kernel.ipvs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.ipvs.reconcile.DestinationRef;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A dense table (consecutive VIPs, ports and real servers) must not collapse onto few hash codes: the
 * JDK's immutable maps probe linearly, and clustered record hashes once made planning 110,000 entries
 * take 10-20 s instead of a fraction of a second.
 */
class HashingTest {

    @Test
    void aDenseTablesKeysHashApart() {
        Set<Integer> services = new HashSet<>();
        Set<Integer> refs = new HashSet<>();
        int n = 0;
        for (int s = 0; s < 10_000; s++) {
            ServiceKey k = ServiceKey.tcp("192.0.2." + (1 + s % 100), 10_000 + s / 100);
            services.add(k.hashCode());
            for (int i = 0; i < 10; i++) {
                int r = (s * 10 + i) % 500;
                DestinationKey d = DestinationKey.of((r < 250 ? "198.51.100." : "203.0.113.") + (1 + r % 250), 8080);
                refs.add(new DestinationRef(k, d).hashCode());
                n++;
            }
        }
        assertTrue(services.size() >= 9_990, services.size() + " distinct hash codes for 10,000 services");
        assertTrue(refs.size() >= n - n / 100, refs.size() + " distinct hash codes for " + n + " destinations");
    }
}
