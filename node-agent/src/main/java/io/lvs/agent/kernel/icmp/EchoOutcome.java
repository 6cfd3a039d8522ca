package io.lvs.agent.kernel.icmp;

import io.lvs.agent.kernel.KernelException;
import java.net.InetAddress;
import java.time.Duration;

/** How one ICMP echo probe ended. Every probe ends in exactly one of these; none is thrown. */
public sealed interface EchoOutcome {
    /** The address probed. */
    InetAddress target();

    /** True only for a reply. */
    default boolean alive() {
        return this instanceof Reply;
    }

    /** The target answered after {@code latency} (send to receive, measured here). */
    record Reply(InetAddress target, Duration latency, int sequence) implements EchoOutcome {
    }

    /** No answer within {@code waited}. */
    record Timeout(InetAddress target, Duration waited) implements EchoOutcome {
    }

    /**
     * A router (or the target's host) answered with an ICMP error about the request: destination
     * unreachable or time exceeded, with its type and code as the kernel numbers them.
     */
    record Unreachable(InetAddress target, InetAddress reportedBy, int type, int code, Duration latency)
            implements EchoOutcome {
    }

    /** The request could not be sent (no route: ENETUNREACH, EHOSTUNREACH...); the error names the errno. */
    record Failed(InetAddress target, KernelException error) implements EchoOutcome {
    }

    /** Not sent: the prober already had its maximum of probes in flight, or was closed. */
    record Rejected(InetAddress target, String reason) implements EchoOutcome {
    }
}
