package io.lvs.agent.kernel.ipvs;

import java.util.Optional;

/** The role of an IPVS connection-synchronisation daemon (IPVS_DAEMON_ATTR_STATE). */
public enum SyncState {
    /** IP_VS_STATE_MASTER: sends this director's connections. */
    MASTER(IpvsConstants.IP_VS_STATE_MASTER),
    /** IP_VS_STATE_BACKUP: receives another director's connections. */
    BACKUP(IpvsConstants.IP_VS_STATE_BACKUP);

    private final int kernelValue;

    SyncState(int kernelValue) {
        this.kernelValue = kernelValue;
    }

    public int kernelValue() {
        return kernelValue;
    }

    public static Optional<SyncState> fromKernel(int state) {
        for (SyncState s : values()) {
            if (s.kernelValue == state) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
