package io.lvs.agent.kernel.sys;

import io.lvs.agent.kernel.KernelException;

/** A libc call that returned -1; the message names the call, its subject and the errno. */
public final class SyscallException extends KernelException {
    public SyscallException(String call, String subject, int errno) {
        super(call + (subject.isEmpty() ? "" : " " + subject) + ": " + Errno.describe(errno), errno);
    }
}
