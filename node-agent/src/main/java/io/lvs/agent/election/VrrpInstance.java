package io.lvs.agent.election;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One VRRPv3 virtual router's state machine (RFC 5798 6.4), pure: the caller passes the clock (milliseconds on any
 * monotonic scale) with every input, carries out the actions returned, and calls {@link #timer} at the returned
 * deadline (early calls do nothing). No threads, no sockets. Not thread-safe.
 *
 * <p>Times follow RFC 5798 6.1, computed in milliseconds (interval fields are centiseconds):
 * Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256 and
 * Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time.
 *
 * <p>Beyond the RFC: a master answers an advert of lower priority (or of equal priority from a lower address) at once
 * with its own, so a split brain heals within one exchange rather than one interval; and a preempt delay: for
 * {@code preemptDelay} after startup a backup accepts a lower-priority master as if preemption were off (it then
 * preempts by letting its Master_Down_Timer run out). The address owner (priority 255) always preempts.
 */
public final class VrrpInstance {
    public static final int OWNER_PRIORITY = 255;

    /** RFC 5798 6.4's three states. */
    public enum State { INITIALIZE, BACKUP, MASTER }

    /** What the caller does, in order. */
    public enum Action {
        /** Send an advert with this instance's priority and interval. */
        SEND_ADVERT,
        /** Send an advert with priority 0: the master is leaving. */
        SEND_PRIORITY_ZERO,
        /** Add the VIPs and announce them (gratuitous ARP / unsolicited neighbour advertisements). */
        BECOME_MASTER,
        /** Remove the VIPs (and stop answering for them). */
        BECOME_BACKUP
    }

    /** The outcome of one input: the actions, the state after it and the next timer deadline, if any. */
    public record Step(List<Action> actions, State state, OptionalLong deadline) {
        public Step {
            actions = List.copyOf(actions);
        }
    }

    private final InstanceId id;
    private final InetAddress primaryAddress;
    private final int priority;
    private final int advertIntervalCentis;
    private final boolean preempt;
    private final long preemptDelayMillis;

    private State state = State.INITIALIZE;
    private int masterAdverIntervalCentis;
    private long deadline;
    private long preemptAllowedAt;

    /**
     * @param primaryAddress       this node's address adverts are sent from (compared in ties)
     * @param priority             1..255; 255 owns the VIPs
     * @param advertIntervalCentis 1..4095 centiseconds
     */
    public VrrpInstance(InstanceId id, InetAddress primaryAddress, int priority, int advertIntervalCentis,
                        boolean preempt, Duration preemptDelay) {
        this.id = Objects.requireNonNull(id);
        this.primaryAddress = Objects.requireNonNull(primaryAddress);
        if (priority < 1 || priority > OWNER_PRIORITY) {
            throw new IllegalArgumentException("priority must be 1..255: " + priority);
        }
        checkInterval(advertIntervalCentis);
        if (preemptDelay.isNegative()) {
            throw new IllegalArgumentException("negative preempt delay: " + preemptDelay);
        }
        this.priority = priority;
        this.advertIntervalCentis = advertIntervalCentis;
        this.preempt = preempt || priority == OWNER_PRIORITY;
        this.preemptDelayMillis = preemptDelay.toMillis();
        this.masterAdverIntervalCentis = advertIntervalCentis;
    }

    private static void checkInterval(int centis) {
        if (centis < 1 || centis > 0x0fff) {
            throw new IllegalArgumentException("advertisement interval must be 1..4095 centiseconds: " + centis);
        }
    }

    public InstanceId id() {
        return id;
    }

    public InetAddress primaryAddress() {
        return primaryAddress;
    }

    public int priority() {
        return priority;
    }

    public int advertIntervalCentis() {
        return advertIntervalCentis;
    }

    public State state() {
        return state;
    }

    /** The Master_Adver_Interval a backup learnt from the master's adverts (its own interval until then). */
    public int masterAdverIntervalCentis() {
        return masterAdverIntervalCentis;
    }

    /** Skew_Time in milliseconds, from the current Master_Adver_Interval. */
    public long skewTimeMillis() {
        return (256L - priority) * masterAdverIntervalCentis * 10 / 256;
    }

    /** Master_Down_Interval in milliseconds, from the current Master_Adver_Interval. */
    public long masterDownIntervalMillis() {
        return 3L * masterAdverIntervalCentis * 10 + skewTimeMillis();
    }

    /** The pending timer's deadline: none in Initialize. */
    public OptionalLong deadline() {
        return state == State.INITIALIZE ? OptionalLong.empty() : OptionalLong.of(deadline);
    }

    /** The Startup event: the owner becomes master at once, any other router a backup. */
    public Step startup(long now) {
        return startup(now, 0);
    }

    /**
     * The Startup event, with the first Master_Down_Timer running at least {@code graceMillis} plus Skew_Time
     * (keepalived's {@code vrrp_startup_delay}): a router that has just started may not have heard its peers yet (a
     * cold process, a link still settling), and taking over from a master it simply has not heard would steal the
     * VIP. The skew keeps the higher priority first when several start together.
     */
    public Step startup(long now, long graceMillis) {
        if (state != State.INITIALIZE) {
            throw new IllegalStateException("startup in state " + state);
        }
        preemptAllowedAt = now + preemptDelayMillis;
        masterAdverIntervalCentis = advertIntervalCentis;
        if (priority == OWNER_PRIORITY) {
            return toMaster(now);
        }
        Step s = toBackup(now, List.of(Action.BECOME_BACKUP));
        if (graceMillis + skewTimeMillis() > masterDownIntervalMillis()) {
            deadline = now + graceMillis + skewTimeMillis(); // the skew keeps the higher priority first
            return step(s.actions());
        }
        return s;
    }

    /**
     * Startup as the master of VIPs this node holds already (an agent restarted under them): master at once, so the
     * restart moves nothing. A stronger master, if any, answers the first advert and this instance yields to it.
     */
    public Step adopt(long now) {
        if (state != State.INITIALIZE) {
            throw new IllegalStateException("adopt in state " + state);
        }
        preemptAllowedAt = now + preemptDelayMillis;
        masterAdverIntervalCentis = advertIntervalCentis;
        return toMaster(now);
    }

    /** The Shutdown event: a master sends priority 0 and gives the VIPs up; both return to Initialize. */
    public Step shutdown(long now) {
        List<Action> actions = state == State.MASTER
                ? List.of(Action.SEND_PRIORITY_ZERO, Action.BECOME_BACKUP) : List.of();
        state = State.INITIALIZE;
        return step(actions);
    }

    /** The timer: a backup's Master_Down_Timer makes it master; a master's Adver_Timer sends the next advert. */
    public Step timer(long now) {
        if (state == State.INITIALIZE || now < deadline) {
            return step(List.of());
        }
        if (state == State.BACKUP) {
            return toMaster(now);
        }
        deadline = now + advertIntervalCentis * 10L;
        return step(List.of(Action.SEND_ADVERT));
    }

    /**
     * An advert of this instance ({@link InstanceId#matches}) that passed the codec's and verifier's checks:
     * its sender's {@code advertPriority}, address and Max Advertisement Interval.
     */
    public Step advert(long now, int advertPriority, InetAddress sender, int advertIntervalCentis) {
        if (advertPriority < 0 || advertPriority > OWNER_PRIORITY) {
            throw new IllegalArgumentException("priority must be 0..255: " + advertPriority);
        }
        checkInterval(advertIntervalCentis);
        if (state == State.INITIALIZE || sender.equals(primaryAddress)) {
            return step(List.of()); // not running, or our own advert looped back
        }
        boolean senderWins = advertPriority > priority
                || (advertPriority == priority && InstanceId.compareAddresses(sender, primaryAddress) > 0);
        if (state == State.BACKUP) {
            if (advertPriority == 0) {
                deadline = now + skewTimeMillis(); // the master left: take over after Skew_Time
                return step(List.of());
            }
            if (!preempt || now < preemptAllowedAt || advertPriority >= priority) {
                masterAdverIntervalCentis = advertIntervalCentis;
                deadline = now + masterDownIntervalMillis();
            }
            return step(List.of()); // otherwise discarded: our Master_Down_Timer runs out and we preempt
        }
        // MASTER
        if (advertPriority != 0 && senderWins) {
            masterAdverIntervalCentis = advertIntervalCentis;
            return toBackup(now, List.of(Action.BECOME_BACKUP));
        }
        // priority 0 (the other master left), or a weaker master: assert ourselves at once
        deadline = now + this.advertIntervalCentis * 10L;
        return step(List.of(Action.SEND_ADVERT));
    }

    private Step toMaster(long now) {
        state = State.MASTER;
        deadline = now + advertIntervalCentis * 10L;
        return step(List.of(Action.SEND_ADVERT, Action.BECOME_MASTER));
    }

    private Step toBackup(long now, List<Action> actions) {
        state = State.BACKUP;
        deadline = now + masterDownIntervalMillis();
        return step(actions);
    }

    private Step step(List<Action> actions) {
        return new Step(actions, state, deadline());
    }

    @Override
    public String toString() {
        return "VrrpInstance[vrid=" + id.vrid() + ", " + primaryAddress.getHostAddress() + ", priority " + priority
                + ", " + state + "]";
    }
}
