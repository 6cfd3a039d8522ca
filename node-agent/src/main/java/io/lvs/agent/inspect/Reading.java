package io.lvs.agent.inspect;

import java.util.Objects;

/**
 * What reading one part of a node's kernel state gave: the value, "this kernel has no such thing"
 * (not an error), or a failure whose message names the errno and the object.
 */
public sealed interface Reading<T> {

    /** The part was read. */
    record Read<T>(T value) implements Reading<T> {
        public Read {
            Objects.requireNonNull(value, "value");
        }
    }

    /** The kernel lacks it (no IPVS, no such parameter); {@code reason} says why, for people. */
    record Unavailable<T>(String reason) implements Reading<T> {
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Reading it failed (no permission, a malformed reply); the node's view is incomplete. */
    record Failed<T>(String error) implements Reading<T> {
        public Failed {
            Objects.requireNonNull(error, "error");
        }
    }

    static <T> Reading<T> read(T value) {
        return new Read<>(value);
    }

    static <T> Reading<T> unavailable(String reason) {
        return new Unavailable<>(reason);
    }

    static <T> Reading<T> failed(String error) {
        return new Failed<>(error);
    }

    /** True for {@link Failed}. */
    default boolean failed() {
        return this instanceof Failed;
    }
}
