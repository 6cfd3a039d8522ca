package io.lvs.operator.controller;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.lvs.operator.kube.EventRecorder;
import io.lvs.operator.model.Conditions;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Turns condition transitions into Events, so {@code kubectl describe} tells the story of an object. */
final class ConditionEvents {
    private ConditionEvents() {
    }

    /**
     * Emits an event for each condition in {@code types} whose status or reason changed: Normal when the new state is
     * the good one (True, except for Degraded), Warning otherwise.
     */
    static void emit(EventRecorder recorder, HasMetadata about, List<Condition> before, List<Condition> after,
                     List<String> types) {
        for (String type : types) {
            Optional<Condition> was = Conditions.find(before, type);
            Condition now = Conditions.find(after, type).orElse(null);
            if (now == null || (was.isPresent() && Objects.equals(was.get().getStatus(), now.getStatus())
                    && Objects.equals(was.get().getReason(), now.getReason()))) {
                continue;
            }
            if (Conditions.UNKNOWN.equals(now.getStatus()) && was.isEmpty()) {
                continue; // the first "don't know yet" is not news
            }
            if ("NotAccepted".equals(now.getReason())) {
                continue; // the Accepted event already said why
            }
            boolean good = type.equals(Conditions.DEGRADED) ? !Conditions.TRUE.equals(now.getStatus())
                    : Conditions.TRUE.equals(now.getStatus());
            recorder.record(about, good ? EventRecorder.NORMAL : EventRecorder.WARNING, now.getReason(),
                    type + ": " + now.getMessage());
        }
    }
}
