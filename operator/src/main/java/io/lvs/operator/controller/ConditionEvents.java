package io.lvs.operator.controller;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.lvs.operator.kube.EventRecorder;
import io.lvs.operator.model.Conditions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Turns condition transitions into Events, so {@code kubectl describe} tells the story of an object. */
final class ConditionEvents {
    private ConditionEvents() {
    }

    /** One Event to record: Normal or Warning, its reason and message. */
    record Emitted(String type, String reason, String message) {
    }

    /** Records {@link #of}'s events about {@code about}. */
    static void emit(EventRecorder recorder, HasMetadata about, List<Condition> before, List<Condition> after,
                     List<String> types) {
        for (Emitted e : of(before, after, types)) {
            recorder.record(about, e.type(), e.reason(), e.message());
        }
    }

    /**
     * An event for each condition in {@code types} whose status or reason changed: Normal when the new state is the good
     * one (True, except for Degraded), Warning otherwise. A condition's first value is news only when it is a refusal
     * (Accepted=False): that an object was accepted, or that its agents have not reported yet, is what its conditions
     * say from the start, and an Event for each would be thousands of writes when thousands of objects are applied at
     * once. Every later transition is an event.
     */
    static List<Emitted> of(List<Condition> before, List<Condition> after, List<String> types) {
        List<Emitted> out = new ArrayList<>();
        for (String type : types) {
            Optional<Condition> was = Conditions.find(before, type);
            Condition now = Conditions.find(after, type).orElse(null);
            if (now == null || (was.isPresent() && Objects.equals(was.get().getStatus(), now.getStatus())
                    && Objects.equals(was.get().getReason(), now.getReason()))) {
                continue;
            }
            if (was.isEmpty() && !(type.equals(Conditions.ACCEPTED) && Conditions.FALSE.equals(now.getStatus()))) {
                continue; // the first value, and no refusal
            }
            if ("NotAccepted".equals(now.getReason())) {
                continue; // the Accepted event already said why
            }
            boolean good = type.equals(Conditions.DEGRADED) ? !Conditions.TRUE.equals(now.getStatus())
                    : Conditions.TRUE.equals(now.getStatus());
            out.add(new Emitted(good ? EventRecorder.NORMAL : EventRecorder.WARNING, now.getReason(),
                    type + ": " + now.getMessage()));
        }
        return out;
    }
}
