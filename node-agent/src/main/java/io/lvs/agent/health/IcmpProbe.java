package io.lvs.agent.health;

import io.lvs.agent.kernel.InetText;
import io.lvs.agent.kernel.icmp.EchoOutcome;
import io.lvs.agent.kernel.icmp.IcmpProber;
import java.net.Inet6Address;
import java.util.concurrent.RejectedExecutionException;

/**
 * An ICMP check through the shared {@link IcmpProber}: one echo request, healthy on its reply.
 *
 * <p>The request is sent from the monitor's ICMP sender thread, not the engine thread, because
 * {@link IcmpProber#echo} may block its caller: its first call per address family opens the raw
 * socket through a thread in the prober's namespace (about 100 ms measured on this project's
 * machine), and it sends with sendto(2) on a blocking socket. The outcome comes back through the
 * engine's inbox; the engine's own deadline ends the probe whatever the prober does.
 */
final class IcmpProbe implements Probe {
    // ICMP types and codes (RFC 792, RFC 4443) as the kernel reports them in ICMP errors
    private static final int ICMP_DEST_UNREACH = 3;
    private static final int ICMP_TIME_EXCEEDED = 11;
    private static final int ICMPV6_DEST_UNREACH = 1;
    private static final int ICMPV6_TIME_EXCEED = 3;

    private final Engine engine;
    private final Check check;
    private final CheckTarget target;
    private boolean aborted;

    IcmpProbe(Engine engine, Check check, CheckTarget target) {
        this.engine = engine;
        this.check = check;
        this.target = target;
    }

    @Override
    public void start() {
        IcmpProber prober = engine.icmp.orElseThrow(); // update() refuses ICMP targets without a prober
        try {
            engine.icmpSender.execute(() -> prober.echo(target.address(), target.spec().timeout())
                    .whenComplete((outcome, error) -> engine.submit(() -> completed(outcome, error))));
        } catch (RejectedExecutionException e) {
            engine.defer(() -> completed(null, e));
        }
    }

    private void completed(EchoOutcome outcome, Throwable error) {
        if (aborted) {
            return;
        }
        if (error != null) {
            check.finish(this, Outcome.FAILURE, "ICMP probe failed: " + error.getMessage());
            return;
        }
        switch (outcome) {
            case EchoOutcome.Reply r -> check.finish(this, Outcome.SUCCESS, "echo reply");
            case EchoOutcome.Timeout t -> check.finish(this, Outcome.TIMEOUT,
                    "timed out after " + Durations.text(t.waited()) + " " + stage());
            case EchoOutcome.Unreachable u -> check.finish(this, Outcome.FAILURE,
                    unreachable(u.type(), u.code()) + " (reported by " + InetText.of(u.reportedBy()) + ")");
            case EchoOutcome.Failed f -> check.finish(this, Outcome.FAILURE, "echo request not sent: " + f.error().getMessage());
            case EchoOutcome.Rejected r -> check.finish(this, Outcome.FAILURE, "echo request not sent: " + r.reason());
        }
    }

    private String unreachable(int type, int code) {
        if (target.address() instanceof Inet6Address) {
            return switch (type) {
                case ICMPV6_DEST_UNREACH -> switch (code) {
                    case 0 -> "no route to host";
                    case 1 -> "communication administratively prohibited";
                    case 3 -> "address unreachable";
                    case 4 -> "port unreachable";
                    default -> "destination unreachable (ICMPv6 code " + code + ")";
                };
                case ICMPV6_TIME_EXCEED -> "time exceeded";
                default -> "ICMPv6 error type " + type + " code " + code;
            };
        }
        return switch (type) {
            case ICMP_DEST_UNREACH -> switch (code) {
                case 0 -> "network unreachable";
                case 1 -> "host unreachable";
                case 3 -> "port unreachable";
                case 9, 10, 13 -> "communication administratively prohibited";
                default -> "destination unreachable (ICMP code " + code + ")";
            };
            case ICMP_TIME_EXCEEDED -> "time exceeded";
            default -> "ICMP error type " + type + " code " + code;
        };
    }

    @Override
    public void abort() {
        aborted = true; // the echo still completes in the prober, and is ignored here
    }

    @Override
    public String stage() {
        return "waiting for an echo reply";
    }
}
