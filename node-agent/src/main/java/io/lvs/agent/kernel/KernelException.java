package io.lvs.agent.kernel;

import io.lvs.agent.kernel.sys.Errno;

/**
 * A failure reported by the kernel (or by this library while talking to it). Carries the errno number
 * when there is one, and a message naming the operation and the object it concerned.
 */
public class KernelException extends RuntimeException {
    private final int errno;

    public KernelException(String message, int errno) {
        super(message);
        this.errno = Math.abs(errno);
    }

    public KernelException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = Math.abs(errno);
    }

    /** The positive errno number, or 0 when the failure has none. */
    public int errnoNumber() {
        return errno;
    }

    /** The named errno, or null when there is none or this library does not know its name. */
    public Errno errno() {
        return errno == 0 ? null : Errno.of(errno);
    }

    /** True when the kernel answered with exactly this errno. */
    public boolean is(Errno e) {
        return errno == e.number();
    }
}
