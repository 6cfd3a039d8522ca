package io.lvs.agent.election;

import static io.lvs.agent.election.VrrpInstance.Action.BECOME_BACKUP;
import static io.lvs.agent.election.VrrpInstance.Action.BECOME_MASTER;
import static io.lvs.agent.election.VrrpInstance.Action.SEND_ADVERT;
import static io.lvs.agent.election.VrrpInstance.Action.SEND_PRIORITY_ZERO;
import static io.lvs.agent.election.VrrpInstance.State.BACKUP;
import static io.lvs.agent.election.VrrpInstance.State.INITIALIZE;
import static io.lvs.agent.election.VrrpInstance.State.MASTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.election.VrrpInstance.Step;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every transition of RFC 5798 6.4, driven by a clock value. Interval 100 centiseconds = 1000 ms throughout. */
class VrrpInstanceTest {
    static final InetAddress LOW = InetAddress.ofLiteral("192.0.2.1");
    static final InetAddress HIGH = InetAddress.ofLiteral("192.0.2.2");
    static final InetAddress VIP = InetAddress.ofLiteral("203.0.113.10");
    static final InstanceId ID = new InstanceId(51, Set.of(LOW, HIGH), List.of(VIP));
    static final long T0 = 1_000_000;

    static VrrpInstance instance(InetAddress self, int priority) {
        return new VrrpInstance(ID, self, priority, 100, true, Duration.ZERO);
    }

    static void assertStep(List<VrrpInstance.Action> actions, VrrpInstance.State state, long deadline, Step step) {
        assertEquals(new Step(actions, state, OptionalLong.of(deadline)), step);
    }

    @Test
    void skewTimeAndMasterDownIntervalFollowTheRfc() {
        // Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256; Master_Down_Interval = 3 * MAI + Skew_Time
        assertEquals(609, instance(LOW, 100).skewTimeMillis());          // 156 * 1000 / 256 = 609.375
        assertEquals(3609, instance(LOW, 100).masterDownIntervalMillis());
        assertEquals(996, instance(LOW, 1).skewTimeMillis());
        assertEquals(7, instance(LOW, 254).skewTimeMillis());
        assertEquals(3, instance(LOW, 255).skewTimeMillis());
        VrrpInstance slow = new VrrpInstance(ID, LOW, 128, 4095, false, Duration.ZERO);
        assertEquals(20475, slow.skewTimeMillis());                      // 128 * 40950 / 256
        assertEquals(3 * 40950 + 20475, slow.masterDownIntervalMillis());
    }

    @Test
    void initializeStartupMakesAnOwnerMasterAtOnce() {
        VrrpInstance owner = instance(LOW, 255);
        assertEquals(INITIALIZE, owner.state());
        assertEquals(OptionalLong.empty(), owner.deadline());
        assertStep(List.of(SEND_ADVERT, BECOME_MASTER), MASTER, T0 + 1000, owner.startup(T0));
    }

    @Test
    void initializeStartupMakesAnyOtherRouterABackupWaitingMasterDownInterval() {
        VrrpInstance b = instance(LOW, 100);
        assertStep(List.of(BECOME_BACKUP), BACKUP, T0 + 3609, b.startup(T0));
        assertThrows(IllegalStateException.class, () -> b.startup(T0));
    }

    @Test
    void aStartupGraceHoldsTheFirstTakeoverUntilThePeersCouldBeHeard() {
        VrrpInstance b = instance(LOW, 100);
        // priority 100, 1 s adverts: Skew_Time 609 ms, Master_Down_Interval 3609 ms
        assertStep(List.of(BECOME_BACKUP), BACKUP, T0 + 5609, b.startup(T0, 5000));
        assertStep(List.of(), BACKUP, T0 + 5609, b.timer(T0 + 3609)); // Master_Down_Interval alone does not do
        VrrpInstance shortGrace = instance(LOW, 100);
        assertStep(List.of(BECOME_BACKUP), BACKUP, T0 + 3609, shortGrace.startup(T0, 1000)); // the longer one wins
        assertStep(List.of(SEND_ADVERT, BECOME_MASTER), MASTER, T0 + 5609 + 1000, b.timer(T0 + 5609));
    }

    @Test
    void adoptMakesAHolderMasterAtOnce_AndAStrongerMasterTakesItBack() {
        VrrpInstance b = instance(LOW, 100);
        assertStep(List.of(SEND_ADVERT, BECOME_MASTER), MASTER, T0 + 1000, b.adopt(T0));
        assertThrows(IllegalStateException.class, () -> b.adopt(T0));
        assertStep(List.of(BECOME_BACKUP), BACKUP, T0 + 10 + 3000 + 609, b.advert(T0 + 10, 200, HIGH, 100));
    }

    @Test
    void initializeIgnoresAdvertsAndTimers() {
        VrrpInstance b = instance(LOW, 100);
        assertEquals(new Step(List.of(), INITIALIZE, OptionalLong.empty()), b.advert(T0, 200, HIGH, 100));
        assertEquals(new Step(List.of(), INITIALIZE, OptionalLong.empty()), b.timer(T0));
        assertEquals(new Step(List.of(), INITIALIZE, OptionalLong.empty()), b.shutdown(T0));
    }

    @Test
    void backupMasterDownTimerMakesItMaster() {
        VrrpInstance b = instance(LOW, 100);
        b.startup(T0);
        assertStep(List.of(), BACKUP, T0 + 3609, b.timer(T0 + 3608)); // early wake-up: nothing
        assertStep(List.of(SEND_ADVERT, BECOME_MASTER), MASTER, T0 + 4609, b.timer(T0 + 3609));
    }

    @Test
    void backupAcceptsAHigherOrEqualMasterAndLearnsItsInterval() {
        VrrpInstance b = instance(HIGH, 100);
        b.startup(T0);
        assertStep(List.of(), BACKUP, T0 + 500 + 3609, b.advert(T0 + 500, 200, LOW, 100));
        // equal priority from a lower address: a backup still accepts it (6.4.2 compares priorities only)
        assertStep(List.of(), BACKUP, T0 + 1500 + 3609, b.advert(T0 + 1500, 100, LOW, 100));
        // the master's interval becomes Master_Adver_Interval: 3 * 2000 + 156 * 2000 / 256 = 6000 + 1218
        assertStep(List.of(), BACKUP, T0 + 2500 + 7218, b.advert(T0 + 2500, 200, LOW, 200));
        assertEquals(200, b.masterAdverIntervalCentis());
    }

    @Test
    void backupHearingPriorityZeroTakesOverAfterSkewTime() {
        VrrpInstance b = instance(LOW, 100);
        b.startup(T0);
        b.advert(T0 + 100, 200, HIGH, 100);
        assertStep(List.of(), BACKUP, T0 + 200 + 609, b.advert(T0 + 200, 0, HIGH, 100));
        assertStep(List.of(SEND_ADVERT, BECOME_MASTER), MASTER, T0 + 809 + 1000, b.timer(T0 + 809));
    }

    @Test
    void backupWithPreemptDiscardsALowerPriorityMasterAndTakesOver() {
        VrrpInstance b = instance(LOW, 200);
        b.startup(T0);
        long down = T0 + b.masterDownIntervalMillis();
        assertStep(List.of(), BACKUP, down, b.advert(T0 + 100, 100, HIGH, 100)); // discarded: timer not reset
        assertStep(List.of(SEND_ADVERT, BECOME_MASTER), MASTER, down + 1000, b.timer(down));
    }

    @Test
    void backupWithoutPreemptAcceptsALowerPriorityMaster() {
        VrrpInstance b = new VrrpInstance(ID, LOW, 200, 100, false, Duration.ZERO);
        b.startup(T0);
        assertStep(List.of(), BACKUP, T0 + 100 + b.masterDownIntervalMillis(), b.advert(T0 + 100, 100, HIGH, 100));
    }

    @Test
    void theOwnerPreemptsEvenWithPreemptOff() {
        VrrpInstance owner = new VrrpInstance(ID, LOW, 255, 100, false, Duration.ZERO);
        owner.startup(T0);
        owner.advert(T0 + 10, 255, HIGH, 100); // a misconfigured second owner with a higher address wins the tie
        assertEquals(BACKUP, owner.state());
        long down = T0 + 10 + owner.masterDownIntervalMillis();
        assertStep(List.of(), BACKUP, down, owner.advert(T0 + 20, 254, HIGH, 100)); // lower: discarded
    }

    @Test
    void preemptDelayAcceptsALowerPriorityMasterUntilItHasPassed() {
        VrrpInstance b = new VrrpInstance(ID, LOW, 200, 100, true, Duration.ofSeconds(10));
        b.startup(T0);
        long mdi = b.masterDownIntervalMillis();
        assertStep(List.of(), BACKUP, T0 + 9_000 + mdi, b.advert(T0 + 9_000, 100, HIGH, 100)); // accepted
        assertStep(List.of(), BACKUP, T0 + 9_000 + mdi, b.advert(T0 + 10_000, 100, HIGH, 100)); // delay over
        assertStep(List.of(SEND_ADVERT, BECOME_MASTER), MASTER, T0 + 9_000 + mdi + 1000, b.timer(T0 + 9_000 + mdi));
    }

    @Test
    void masterAdverTimerSendsAnAdvertEveryInterval() {
        VrrpInstance m = instance(LOW, 255);
        m.startup(T0);
        assertStep(List.of(), MASTER, T0 + 1000, m.timer(T0 + 999));
        assertStep(List.of(SEND_ADVERT), MASTER, T0 + 2000, m.timer(T0 + 1000));
        assertStep(List.of(SEND_ADVERT), MASTER, T0 + 3005, m.timer(T0 + 2005)); // a late wake-up counts from now
    }

    /** A non-owner that became master when its Master_Down_Timer ran out at {@code T0 + 3609}. */
    static VrrpInstance master(InetAddress self, int priority) {
        VrrpInstance m = instance(self, priority);
        m.startup(T0);
        m.timer(T0 + m.masterDownIntervalMillis());
        assertEquals(MASTER, m.state());
        return m;
    }

    @Test
    void masterStepsDownForAHigherPriorityAndLearnsItsInterval() {
        VrrpInstance m = master(HIGH, 100);
        long t = T0 + 5000;
        // Master_Down_Interval from the winner's interval 200: 3 * 2000 + 156 * 2000 / 256 = 6000 + 1218
        assertStep(List.of(BECOME_BACKUP), BACKUP, t + 7218, m.advert(t, 200, LOW, 200));
        assertEquals(200, m.masterAdverIntervalCentis());
    }

    @Test
    void masterStepsDownForAnEqualPriorityFromAHigherAddress() {
        VrrpInstance m = master(LOW, 100);
        long t = T0 + 5000;
        assertStep(List.of(BECOME_BACKUP), BACKUP, t + 3609, m.advert(t, 100, HIGH, 100));
    }

    @Test
    void masterAnswersAWeakerMasterAtOnce() {
        VrrpInstance m = master(HIGH, 100);
        long t = T0 + 5000;
        assertStep(List.of(SEND_ADVERT), MASTER, t + 1000, m.advert(t, 100, LOW, 100)); // equal, lower address
        assertStep(List.of(SEND_ADVERT), MASTER, t + 1100, m.advert(t + 100, 50, LOW, 100)); // lower priority
    }

    @Test
    void masterAnswersPriorityZeroAtOnce() {
        VrrpInstance m = master(LOW, 100);
        long t = T0 + 5000;
        assertStep(List.of(SEND_ADVERT), MASTER, t + 1000, m.advert(t, 0, HIGH, 100));
    }

    @Test
    void masterShutdownSendsPriorityZeroAndGivesTheVipsUp() {
        VrrpInstance m = master(LOW, 100);
        assertEquals(new Step(List.of(SEND_PRIORITY_ZERO, BECOME_BACKUP), INITIALIZE, OptionalLong.empty()),
                m.shutdown(T0 + 5000));
        assertEquals(new Step(List.of(), INITIALIZE, OptionalLong.empty()), m.timer(T0 + 10_000));
        assertStep(List.of(BECOME_BACKUP), BACKUP, T0 + 20_000 + 3609, m.startup(T0 + 20_000)); // can start again
    }

    @Test
    void backupShutdownIsSilent() {
        VrrpInstance b = instance(LOW, 100);
        b.startup(T0);
        assertEquals(new Step(List.of(), INITIALIZE, OptionalLong.empty()), b.shutdown(T0 + 100));
    }

    @Test
    void itsOwnAdvertLoopedBackIsIgnored() {
        VrrpInstance m = master(LOW, 100);
        assertStep(List.of(), MASTER, T0 + 3609 + 1000, m.advert(T0 + 4000, 100, LOW, 100));
    }

    @Test
    void badInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> instance(LOW, 0));
        assertThrows(IllegalArgumentException.class, () -> new VrrpInstance(ID, LOW, 100, 0, true, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new VrrpInstance(ID, LOW, 100, 4096, true, Duration.ZERO));
        VrrpInstance b = instance(LOW, 100);
        b.startup(T0);
        assertThrows(IllegalArgumentException.class, () -> b.advert(T0, 256, HIGH, 100));
        assertThrows(IllegalArgumentException.class, () -> b.advert(T0, 100, HIGH, 0));
    }

    @Test
    void anAdvertIsAnInstancesOnlyWithItsVridASenderAmongItsPeersAndItsVips() {
        InetAddress vip2 = InetAddress.ofLiteral("203.0.113.11");
        InstanceId two = new InstanceId(51, Set.of(LOW, HIGH), List.of(VIP, vip2));
        assertTrue(two.matches(51, List.of(vip2, VIP), HIGH), "the VIPs as a set");
        assertFalse(two.matches(52, List.of(VIP, vip2), HIGH), "another VRID");
        assertFalse(two.matches(51, List.of(VIP, vip2), InetAddress.ofLiteral("192.0.2.3")), "not a peer");
        assertFalse(two.matches(51, List.of(VIP), HIGH), "another VIP list, the same VRID: another instance");
        assertFalse(ID.matches(51, List.of(VIP, vip2), HIGH));
        assertTrue(ID.matches(51, List.of(VIP), LOW));
        assertThrows(IllegalArgumentException.class, () -> new InstanceId(0, Set.of(LOW), List.of(VIP)));
        assertThrows(IllegalArgumentException.class, () -> new InstanceId(1, Set.of(LOW), List.of()));
    }

    @Test
    void higherAddressesCompareAsUnsignedNumbers() {
        assertTrue(InstanceId.compareAddresses(InetAddress.ofLiteral("192.0.2.200"),
                InetAddress.ofLiteral("192.0.2.100")) > 0);
        assertTrue(InstanceId.compareAddresses(InetAddress.ofLiteral("2001:db8::ff00"),
                InetAddress.ofLiteral("2001:db8::1")) > 0);
        assertEquals(0, InstanceId.compareAddresses(LOW, InetAddress.ofLiteral("192.0.2.1")));
    }
}
