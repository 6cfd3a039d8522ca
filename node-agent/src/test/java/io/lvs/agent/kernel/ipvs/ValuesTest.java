package io.lvs.agent.kernel.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The values refuse what the kernel would refuse, with a message naming the object. */
class ValuesTest {

    @Test
    void allFourteenSchedulersAndNoneHaveTheirKernelNames() {
        assertEquals(List.of("rr", "wrr", "lc", "wlc", "sed", "nq", "sh", "dh", "lblc", "lblcr", "mh", "fo", "ovf", "twos", "none"),
                Arrays.stream(Scheduler.values()).map(Scheduler::kernelName).toList());
        assertEquals("ip_vs_twos", Scheduler.TWOS.moduleName().orElseThrow());
        assertTrue(Scheduler.NONE.moduleName().isEmpty());
    }

    @Test
    void thresholdsFollowTheKernelsRangeCheck() {
        Destination d = Destination.of("192.0.2.21", 80, ForwardingMethod.MASQ);
        assertEquals(100, d.withThresholds(100, 100).lowerThreshold());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.withThresholds(0, 5));
        assertTrue(e.getMessage().startsWith("destination 192.0.2.21:80: thresholds"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.withWeight(-1));
    }

    @Test
    void persistenceNetmaskDependsOnTheFamily() {
        ServiceKey v4 = ServiceKey.tcp("192.0.2.10", 80);
        ServiceKey v6 = ServiceKey.tcp("2001:db8::10", 80);
        Service.of(v4, Scheduler.RR).withPersistence(new Persistence(Duration.ofSeconds(1), 0));
        assertThrows(IllegalArgumentException.class,
                () -> Service.of(v4, Scheduler.RR).withPersistence(new Persistence(Duration.ofSeconds(1), 33)));
        assertThrows(IllegalArgumentException.class,
                () -> Service.of(v6, Scheduler.RR).withPersistence(new Persistence(Duration.ofSeconds(1), 0)));
        assertEquals(128, Persistence.perClient(Duration.ofMinutes(5), AddressFamily.INET6).netmaskBits());
        assertThrows(IllegalArgumentException.class, () -> new Persistence(Duration.ofMillis(1500), 32));
    }

    @Test
    void syncDaemonsNeedAnInterfaceAndAMulticastGroup() {
        assertThrows(IllegalArgumentException.class, () -> SyncDaemon.master("", 1));
        assertThrows(IllegalArgumentException.class, () -> SyncDaemon.master("eth0", 256));
        assertThrows(IllegalArgumentException.class,
                () -> SyncDaemon.master("eth0", 1).withMulticast(Addresses.parse("192.0.2.1"), 8848, 1));
        assertEquals("sync backup on eth0 syncid 3", SyncDaemon.backup("eth0", 3).toString());
    }
}
