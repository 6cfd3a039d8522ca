/*
 * LD_PRELOAD shim for Debian's User-mode Linux 6.1 (linux.uml) on hosts whose XSAVE area is larger
 * than the one UML sizes its buffers for (AMX: the host kernel's ptrace wants the whole user XSAVE
 * area, 11 KB, while UML passes 2.7 KB).
 *
 * UML restores a guest process's FPU state with ptrace(PTRACE_SETREGSET, NT_X86_XSTATE) and a
 * buffer of the size it knows. The host kernel refuses any other size than its own with EFAULT, and
 * UML then kills the guest process with SIGSEGV: init dies at once ("Attempted to kill init!
 * exitcode=0x0000000b"). This shim retries such a refused call with a buffer of the kernel's size:
 * UML's bytes first, then, for the state components UML does not know, the traced process's own
 * current state (read with PTRACE_GETREGSET), so nothing UML did not mean to set changes.
 *
 * Test infrastructure only: the product never runs under UML. Built by run-scenario.sh with gcc.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>

#define XSAVE_HEADER_OFFSET 512
#define MAX_XSAVE (64 * 1024)

typedef long (*ptrace_fn)(enum __ptrace_request, pid_t, void *, void *);

static __thread unsigned char full[MAX_XSAVE] __attribute__((aligned(64)));

/* The XSTATE_BV bits whose components lie wholly inside the first len bytes (standard format). */
static uint64_t features_within(size_t len) {
    uint64_t mask = 3; /* x87 and SSE live in the legacy area */
    for (unsigned i = 2; i < 63; i++) {
        unsigned size, offset, ecx, edx;
        __cpuid_count(0xd, i, size, offset, ecx, edx);
        if (size != 0 && (size_t) offset + size <= len) mask |= 1ULL << i;
    }
    return mask;
}

long ptrace(enum __ptrace_request request, ...) {
    static ptrace_fn real;
    if (!real) real = (ptrace_fn) dlsym(RTLD_NEXT, "ptrace");
    va_list ap;
    va_start(ap, request);
    pid_t pid = va_arg(ap, pid_t);
    void *addr = va_arg(ap, void *);
    void *data = va_arg(ap, void *);
    va_end(ap);

    long rc = real(request, pid, addr, data);
    if (rc != -1 || errno != EFAULT || request != PTRACE_SETREGSET
            || (uintptr_t) addr != NT_X86_XSTATE || data == NULL) {
        return rc;
    }
    struct iovec *given = data;
    struct iovec current = { full, sizeof full };
    if (real(PTRACE_GETREGSET, pid, (void *) (uintptr_t) NT_X86_XSTATE, &current) == -1
            || current.iov_len <= given->iov_len || given->iov_len < XSAVE_HEADER_OFFSET + 8) {
        errno = EFAULT;
        return -1;
    }
    uint64_t current_bv;
    memcpy(&current_bv, full + XSAVE_HEADER_OFFSET, sizeof current_bv);
    memcpy(full, given->iov_base, given->iov_len);
    uint64_t known = features_within(given->iov_len);
    uint64_t bv;
    memcpy(&bv, full + XSAVE_HEADER_OFFSET, sizeof bv);
    bv = (bv & known) | (current_bv & ~known);
    memcpy(full + XSAVE_HEADER_OFFSET, &bv, sizeof bv);
    struct iovec padded = { full, current.iov_len };
    return real(PTRACE_SETREGSET, pid, (void *) (uintptr_t) NT_X86_XSTATE, &padded);
}
