package io.lvs.agent.state;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.kernel.ipvs.DestinationKey;
import io.lvs.agent.kernel.ipvs.ServiceKey;
import io.lvs.agent.kernel.ipvs.reconcile.DestinationRef;
import io.lvs.agent.kernel.ipvs.reconcile.Drains;
import io.lvs.agent.kernel.ipvs.reconcile.Ledger;
import io.lvs.agent.kernel.sysctl.Sysctl;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void whatIsSavedIsWhatANewAgentReads() {
        ServiceKey svc = ServiceKey.tcp("192.0.2.10", 80);
        DestinationRef dest = new DestinationRef(svc, DestinationKey.parse("192.0.2.21:80"));
        Owned owned = Owned.nothing()
                .withAddress(new Owned.OwnedAddress("lo", InetAddress.ofLiteral("192.0.2.10"), 32))
                .withAddress(new Owned.OwnedAddress("eth0.100", InetAddress.ofLiteral("2001:db8::10"), 128))
                .withSysctl(Sysctl.parse("net.ipv4.conf.eth0/100.arp_ignore"), new Owned.SysctlChangeRecord(0, 1))
                .withLinkUp("gre0", true)
                .withLinkCreated("tunl0", true)
                .withLinkCreated("ip6tnl0", true)
                .withFouPort(new Owned.FouPort(6080, false), true)
                .withFouPort(new Owned.FouPort(6080, true), true)
                .withSyncDaemon(io.lvs.agent.kernel.ipvs.SyncState.MASTER, true)
                .withSyncDaemon(io.lvs.agent.kernel.ipvs.SyncState.BACKUP, true);
        try (StateDirectory s = StateDirectory.open(dir)) {
            s.save(new Ledger(Set.of(svc), Set.of(dest)));
            s.save(owned);
            s.save(new Drains(Map.of(dest, Instant.parse("2026-12-02T10:00:00Z"))));
        }
        try (StateDirectory s = StateDirectory.open(dir)) {
            assertEquals(new Ledger(Set.of(svc), Set.of(dest)), s.ledger());
            assertEquals(owned, s.owned());
            String text = assertDoesNotThrow(() -> Files.readString(dir.resolve("owned")));
            assertTrue(text.contains("\nlink-up gre0\nlink-created ip6tnl0\nlink-created tunl0\nfou 6080 ipv4\nfou 6080 ipv6\n"),
                    "one sorted line per entry: " + text);
            assertEquals(Instant.parse("2026-12-02T10:00:00Z"), s.drains().started().get(dest));
            assertTrue(s.problems().isEmpty());
        }
    }

    @Test
    void aSaveThatChangesNothingWritesNothing() throws Exception {
        ServiceKey svc = ServiceKey.tcp("192.0.2.10", 80);
        Ledger ledger = new Ledger(Set.of(svc), Set.of());
        try (StateDirectory s = StateDirectory.open(dir)) {
            s.save(ledger);
            s.save(Drains.none()); // no file and nothing to say: nothing written
            assertEquals(1, s.writes());
            java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(dir.resolve("ipvs.ledger"));
            for (int pass = 0; pass < 100; pass++) { // what a pass every second does at steady state
                s.save(new Ledger(Set.of(svc), Set.of()));
                s.save(Drains.none());
                s.save(s.owned());
            }
            assertEquals(1, s.writes(), "unchanged saves write nothing");
            assertEquals(written, Files.getLastModifiedTime(dir.resolve("ipvs.ledger")));
            s.save(Ledger.empty());
            assertEquals(2, s.writes(), "a change is written");
        }
        try (StateDirectory s = StateDirectory.open(dir)) {
            assertEquals(Ledger.empty(), s.ledger());
        }
    }

    @Test
    void anEmptyDirectoryOwnsNothing() {
        try (StateDirectory s = StateDirectory.open(dir.resolve("new"))) {
            assertTrue(s.ownsNothing());
        }
    }

    @Test
    void anUnreadableFileIsSetAsideAndReportedNotGuessed() throws Exception {
        Files.writeString(dir.resolve("owned"), "# lvs-node-agent ownership v1\naddress lo not-an-address/32\n");
        try (StateDirectory s = StateDirectory.open(dir)) {
            assertEquals(Owned.nothing(), s.owned());
            assertEquals(1, s.problems().size());
            assertTrue(s.problems().getFirst().contains("could not be read (line 2 'address lo not-an-address/32'"),
                    s.problems().getFirst());
            try (var files = Files.list(dir)) {
                assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("owned.unreadable-")));
            }
        }
    }

    @Test
    void oneAgentPerDirectory() {
        try (StateDirectory s = StateDirectory.open(dir)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> StateDirectory.open(dir));
            assertTrue(e.getMessage().contains("held by another lvs-node-agent process"), e.getMessage());
        }
    }
}
