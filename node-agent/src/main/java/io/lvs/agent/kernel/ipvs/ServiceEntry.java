package io.lvs.agent.kernel.ipvs;

/**
 * A virtual service as read back from the kernel.
 *
 * @param service its configuration
 * @param stats   its counters
 */
public record ServiceEntry(Service service, Stats stats) {
    public ServiceKey key() {
        return service.key();
    }
}
