package io.lvs.operator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Condition;
import io.lvs.operator.kube.EventRecorder;
import io.lvs.operator.model.Conditions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionEventsTest {
    private static final List<String> TYPES = List.of(Conditions.ACCEPTED, Conditions.READY, Conditions.DEGRADED);
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private static List<Condition> with(List<Condition> cs, String type, String status, String reason) {
        return Conditions.set(cs, type, status, reason, reason + " said", 1, NOW);
    }

    @Test
    void aNewObjectAcceptedAndWaitingForItsAgentsIsNoNewsButARefusalIs() {
        List<Condition> accepted = with(with(with(List.of(), Conditions.ACCEPTED, "True", "Accepted"),
                Conditions.READY, "False", "NoActiveDirector"), Conditions.DEGRADED, "True", "AwaitingAgents");
        assertEquals(List.of(), ConditionEvents.of(List.of(), accepted, TYPES));

        List<Condition> refused = with(List.of(), Conditions.ACCEPTED, "False", "Conflict");
        assertEquals(List.of(new ConditionEvents.Emitted(EventRecorder.WARNING, "Conflict", "Accepted: Conflict said")),
                ConditionEvents.of(List.of(), refused, TYPES));
    }

    @Test
    void everyLaterTransitionIsAnEvent() {
        List<Condition> before = with(with(List.of(), Conditions.ACCEPTED, "False", "NoRealServers"),
                Conditions.READY, "False", "NoActiveDirector");
        List<Condition> after = with(with(before, Conditions.ACCEPTED, "True", "Accepted"),
                Conditions.READY, "True", "Ready");
        assertEquals(List.of(new ConditionEvents.Emitted(EventRecorder.NORMAL, "Accepted", "Accepted: Accepted said"),
                new ConditionEvents.Emitted(EventRecorder.NORMAL, "Ready", "Ready: Ready said")),
                ConditionEvents.of(before, after, TYPES));
        // the same status and reason again (a new message): nothing
        assertEquals(List.of(), ConditionEvents.of(after, with(after, Conditions.READY, "True", "Ready"), TYPES));
        // Degraded is good when False
        assertEquals(List.of(new ConditionEvents.Emitted(EventRecorder.WARNING, "Failed", "Degraded: Failed said")),
                ConditionEvents.of(with(after, Conditions.DEGRADED, "False", "AllWell"),
                        with(after, Conditions.DEGRADED, "True", "Failed"), TYPES));
    }
}
