package io.lvs.e2e.ipvs;

import io.lvs.e2e.guest.GuestScenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The IPVS library on a real kernel (the User-mode Linux guest): each scenario must pass and must
 * have run the checks named here, so a scenario that silently skips a step fails.
 */
class IpvsGuestTest {

    @Test
    void everyFeatureIsProgrammedReadBackAndListedTheSameByIpvsadm() {
        GuestScenario.run("ipvs-conformance", Duration.ofMinutes(3)).assertPassed(
                "13 schedulers and none are available, twos is not",
                "twos is reported unavailable ahead",
                "a twos service fails naming the scheduler",
                "the whole table is applied in one batch",
                "the read-back equals the programmed table",
                "ipvsadm -Ln lists the same table",
                "ipvsadm -Ln --thresholds lists the same thresholds",
                "one service is read by its key, a missing one is empty",
                "a foreign service is left alone and wanting it is a conflict",
                "changed attributes are planned as in-place updates",
                "the kernel changes them in place",
                "ipvsadm -Ln lists the same table after the changes",
                "a one-destination change is one operation",
                "the one operation is exactly one netlink request",
                "adding an existing service is EEXIST naming it",
                "deleting a missing destination is ENOENT naming it",
                "changing a missing service is ESRCH naming it",
                "timeouts are set and read back, as ipvsadm sees them",
                "a removed service is one delete",
                "the foreign service is still there",
                "a mixed-family destination that is not a tunnel is refused before sending, naming the rule",
                "the kernel itself refuses that destination when it is sent",
                "the same destination as a tunnel is taken",
                "turning it into NAT is refused before sending",
                "a sync daemon refused while a mixed-family destination exists names it",
                "a mixed-family tunnel is refused before sending while a sync daemon runs",
                "the kernel refuses ipvsadm that tunnel while the daemon runs",
                "a missing persistence engine names its module",
                "an EINVAL the loopback cannot explain carries no loopback hint",
                "an IPv4 destination in a namespace without IPv4 addresses is EINVAL with the loopback hint",
                "with an IPv4 address on the loopback, still down, the same destination is taken",
                "java IpvsConformance");
    }

    @Test
    void thePeriodicReadSeesChangesByHandAtOnceWithoutADumpPerService() {
        GuestScenario.run("ipvs-read", Duration.ofMinutes(4)).assertPassed(
                "the table is programmed",
                "/proc/net/ip_vs shows every service netlink dumps, destination for destination",
                "a mark two families share is not told apart by the file",
                "the first read equals a full read",
                "a read with nothing changed dumps only the two marks the file cannot tell apart",
                "changes by hand with ipvsadm are read at once, with 5 destination dumps",
                "a threshold changed by hand (the file does not show it) is read within the refresh period",
                "ipvsadm -C is read at once",
                "java IpvsRead");
    }

    @Test
    void clientsReachRealServersThroughTheVipInDrAndNatWithTheSchedulersSplit() {
        GuestScenario.run("ipvs-traffic", Duration.ofMinutes(3)).assertPassed(
                "DR rr alternates rs1/rs2 3:3",
                "NAT rr alternates rs3/rs4 3:3",
                "DR wrr 3:1 sends 6 of 8 to rs1",
                "DR counters show 14 connections, packets in, none out",
                "NAT counters show 6 connections and replies through the director",
                "per-destination counters show rs1 served 9, rs2 5",
                "the connection table matches ipvsadm -Lnc",
                "a leaving destination is first drained to weight 0",
                "while its connection lives it stays",
                "new connections avoid the drained destination",
                "once the connection ends the destination goes in one delete",
                "java IpvsTraffic");
    }

    @Test
    void theSyncDaemonReplicatesAConnectionFromOneDirectorToAnother() {
        GuestScenario.run("ipvs-sync", Duration.ofMinutes(3)).assertPassed(
                "A runs a master on eth0 with the kernel's defaults",
                "B runs a backup on eth0 with sync id 7",
                "the client is served through A",
                "A's connections appear in B's table",
                "ipvsadm -Lnc in B lists the same entries",
                "both daemons stop",
                "java IpvsSync");
    }
}
