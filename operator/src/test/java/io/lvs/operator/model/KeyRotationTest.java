package io.lvs.operator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.operator.model.KeyRotation.Decision;
import io.lvs.operator.model.KeyRotation.Key;
import io.lvs.operator.model.KeyRotation.Phase;
import io.lvs.operator.model.KeyRotation.State;
import io.lvs.operator.model.KeyRotation.Wait;
import io.lvs.operator.model.KeyRotation.Write;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class KeyRotationTest {
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    private static final Duration PERIOD = Duration.ofDays(30);
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final Key K1 = new Key(1, "AAAAAAAAAAAAAAAAAAAAAA==");
    private static final Key K2 = new Key(2, "AQEBAQEBAQEBAQEBAQEBAQ==");
    private int fill;
    private final Supplier<byte[]> random = () -> {
        byte[] b = new byte[KeyRotation.SECRET_BYTES];
        Arrays.fill(b, (byte) ++fill);
        return b;
    };

    private Decision next(State s, Map<String, List<Integer>> agents, Instant now) {
        return KeyRotation.next(Optional.of(s), agents, now, PERIOD, STEP, random);
    }

    @Test
    void withoutASecretTheFirstKeyIsCreated() {
        Write w = assertInstanceOf(Write.class, KeyRotation.next(Optional.empty(), Map.of(), T0, PERIOD, STEP, random));
        assertEquals(List.of(1), w.state().ids());
        assertEquals(Phase.STABLE, w.state().phase());
        assertEquals(T0, w.state().since());
        assertEquals(List.of(w.state().keys().getFirst()), KeyRotation.parse(w.state().text()), "the agents' file format");
    }

    @Test
    void aRotationGoesInThreeStepsEachOnlyOnceEveryLiveAgentHoldsThePreviousOne() {
        State stable = new State(List.of(K1), Phase.STABLE, T0);
        Map<String, List<Integer>> onKey1 = Map.of("node-a", List.of(1), "node-b", List.of(1));
        assertEquals(Optional.empty(), assertInstanceOf(Wait.class, next(stable, onKey1, T0.plus(PERIOD).minusSeconds(1))).why(),
                "nothing pending before the period is over");

        // step 1: the new key is added last, so every director accepts it while key 1 still signs
        Instant t1 = T0.plus(PERIOD);
        Write add = assertInstanceOf(Write.class, next(stable, onKey1, t1));
        assertEquals(List.of(1, 2), add.state().ids());
        assertEquals(Phase.ACCEPTING, add.state().phase());
        assertEquals(K1, add.state().keys().getFirst());
        assertTrue(add.why().contains("added key 2"), add.why());

        // node-b's kubelet has not refreshed the Secret yet: the new key must not sign
        Map<String, List<Integer>> half = Map.of("node-a", List.of(1, 2), "node-b", List.of(1));
        Wait w = assertInstanceOf(Wait.class, next(add.state(), half, t1.plus(STEP).plusSeconds(30)));
        assertEquals("waiting for the agents on node-b to accept key 2 (a kubelet refreshes a mounted Secret within its "
                + "sync period and cache TTL, a minute or two)", w.why().orElseThrow());
        Map<String, List<Integer>> accepting = Map.of("node-a", List.of(1, 2), "node-b", List.of(1, 2));
        assertTrue(assertInstanceOf(Wait.class, next(add.state(), accepting, t1.plusSeconds(10))).why().orElseThrow()
                .startsWith("waiting until " + t1.plus(STEP) + " to accept key 2"), "each step waits at least minStep");

        // step 2: key 2 moves first, so every director signs with it; key 1 still accepted from a laggard
        Instant t2 = t1.plus(STEP);
        Write sign = assertInstanceOf(Write.class, next(add.state(), accepting, t2));
        assertEquals(List.of(2, 1), sign.state().ids());
        assertEquals(Phase.SIGNING, sign.state().phase());
        Map<String, List<Integer>> oneSigns = Map.of("node-a", List.of(2, 1), "node-b", List.of(1, 2));
        assertEquals("waiting for the agents on node-b to sign with key 2 (a kubelet refreshes a mounted Secret within its "
                + "sync period and cache TTL, a minute or two)", assertInstanceOf(Wait.class, next(sign.state(), oneSigns, t2.plus(STEP))).why().orElseThrow());

        // step 3: every director signs with key 2: key 1 goes
        Instant t3 = t2.plus(STEP);
        Write done = assertInstanceOf(Write.class, next(sign.state(),
                Map.of("node-a", List.of(2, 1), "node-b", List.of(2, 1)), t3));
        assertEquals(List.of(2), done.state().ids());
        assertEquals(Phase.STABLE, done.state().phase());
        assertEquals(t3, done.state().since(), "the next period counts from here");
        assertTrue(done.why().endsWith("removed key 1"), done.why());
        assertEquals(add.state().keys().getLast(), done.state().keys().getFirst(), "the key added in step 1 stays");
    }

    @Test
    void onlyLiveAgentsAreWaitedForAndOneThatReportsNoKeysIsWaitedFor() {
        // the caller lists live agents only: with none (all dead), the steps just pace
        State accepting = new State(List.of(K1, K2), Phase.ACCEPTING, T0);
        Write w = assertInstanceOf(Write.class, next(accepting, Map.of(), T0.plus(STEP)));
        assertEquals(List.of(2, 1), w.state().ids());
        // a live agent that reports no keys (one from before the annotation) holds the rotation up
        assertTrue(assertInstanceOf(Wait.class, next(accepting, Map.of("node-a", List.of(1, 2), "node-old", List.of()),
                T0.plus(STEP))).why().orElseThrow().startsWith("waiting for the agents on node-old to accept key 2"));
    }

    @Test
    void aDeletedSecretIsNotRemadeUnderAgentsThatHoldKeys() {
        Wait w = assertInstanceOf(Wait.class, KeyRotation.next(Optional.empty(),
                Map.of("node-a", List.of(2), "node-b", List.of()), T0, PERIOD, STEP, random));
        assertTrue(w.why().orElseThrow().startsWith("the key Secret is gone while the agents on node-a hold keys; "),
                w.why().get());
        assertInstanceOf(Write.class, KeyRotation.next(Optional.empty(), Map.of("node-b", List.of()), T0, PERIOD, STEP,
                random), "agents that hold no key yet (a first install) get the first one");
    }

    @Test
    void aKeyNeverPrintsItsSecret() {
        assertEquals("key 1", K1.toString());
        assertTrue(!new State(List.of(K1), Phase.STABLE, T0).toString().contains(K1.secret()));
    }

    @Test
    void zeroPeriodNeverRotatesAndTheNextIdFollowsTheHighest() {
        State stable = new State(List.of(new Key(7, K1.secret()), new Key(3, K2.secret())), Phase.STABLE, T0);
        assertEquals(Optional.empty(), assertInstanceOf(Wait.class, KeyRotation.next(Optional.of(stable), Map.of(),
                T0.plus(Duration.ofDays(3650)), Duration.ZERO, STEP, random)).why());
        Write w = assertInstanceOf(Write.class, next(stable, Map.of(), T0.plus(PERIOD)));
        assertEquals(List.of(7, 3, 8), w.state().ids());
    }

    @Test
    void aMalformedKeyFileIsNamedNotOverwritten() {
        assertEquals("line 2: expected <id>:<base64 secret>",
                assertThrows(IllegalArgumentException.class, () -> KeyRotation.parse("1:" + K1.secret() + "\nnonsense\n"))
                        .getMessage());
        assertEquals("line 1: key 1 needs a non-negative id and a base64 secret of at least 16 bytes",
                assertThrows(IllegalArgumentException.class, () -> KeyRotation.parse("1:c2hvcnQ=\n")).getMessage());
        assertEquals("line 3: key id 1 is listed twice", assertThrows(IllegalArgumentException.class,
                () -> KeyRotation.parse("1:" + K1.secret() + "\n# comment\n1:" + K2.secret())).getMessage());
        assertEquals("no key is listed", assertThrows(IllegalArgumentException.class, () -> KeyRotation.parse("\n# x\n"))
                .getMessage());
        assertEquals(List.of(K1, K2), KeyRotation.parse("# keys\n1:" + K1.secret() + "\n\n2:" + K2.secret() + "\n"));
    }
}
