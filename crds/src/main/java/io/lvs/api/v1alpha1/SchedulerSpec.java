package io.lvs.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** How IPVS picks a real server for a new connection. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.flags) || size(self.flags) == 0 || self.name in ['sh', 'mh']",
        message = Messages.SCHEDULER_FLAGS)
public class SchedulerSpec {
    @JsonPropertyDescription("IPVS scheduler: rr (round robin), wrr (weighted round robin), lc (least connections), "
            + "wlc (weighted least connections, the default), sed (shortest expected delay), nq (never queue), "
            + "sh (source hashing), dh (destination hashing), lblc (locality-based least connections), "
            + "lblcr (lblc with replication), mh (Maglev hashing: directors pick the same real server without "
            + "sharing state, which keeps connections across failover), fo (weighted failover), ovf (weighted overflow), "
            + "twos (weighted random twos choice; Linux 5.19+, and not built in every distribution kernel: "
            + "directors report it if their kernel lacks it).")
    @Default("wlc")
    @JsonInclude(JsonInclude.Include.ALWAYS) // a null here means "unknown value": keep it through copies
    private Scheduler name = Scheduler.WLC;

    @JsonPropertyDescription("Flags for sh and mh only. Fallback: if the hashed real server is unavailable, pick another "
            + "instead of dropping. Port: hash the source port too, not only the source address.")
    @Size(max = 2)
    @ValidationRule(value = "self.all(f, self.exists_one(g, g == f))", message = Messages.SCHEDULER_FLAGS_REPEAT)
    private List<SchedulerFlag> flags = new ArrayList<>();

    @JsonPropertyDescription("One-packet scheduling: schedule every UDP datagram independently instead of tracking a "
            + "connection (for DNS-like traffic). Only for VirtualServices whose ports are all UDP.")
    @Default("false")
    private Boolean onePacket = false;

    public Scheduler getName() {
        return name;
    }

    public void setName(Scheduler name) {
        this.name = name;
    }

    public List<SchedulerFlag> getFlags() {
        return flags;
    }

    public void setFlags(List<SchedulerFlag> flags) {
        this.flags = flags;
    }

    public Boolean getOnePacket() {
        return onePacket;
    }

    public void setOnePacket(Boolean onePacket) {
        this.onePacket = onePacket;
    }
}
