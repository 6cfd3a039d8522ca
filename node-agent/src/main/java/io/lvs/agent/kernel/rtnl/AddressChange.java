package io.lvs.agent.kernel.rtnl;

import io.lvs.agent.kernel.KernelException;

/** The outcome of one {@link AddressOp}: applied, already in place, or refused by the kernel. */
public sealed interface AddressChange {
    AddressOp op();

    /** True when the kernel's address list changed. */
    default boolean changed() {
        return this instanceof Applied;
    }

    /** The kernel added or removed the address. */
    record Applied(AddressOp op) implements AddressChange {
    }

    /** Nothing to do: the address was already present (add) or already absent (remove). */
    record Unchanged(AddressOp op) implements AddressChange {
    }

    /** The kernel refused; the error names the errno and the address. */
    record Failed(AddressOp op, KernelException error) implements AddressChange {
    }
}
