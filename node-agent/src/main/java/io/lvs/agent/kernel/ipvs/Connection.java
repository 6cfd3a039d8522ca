package io.lvs.agent.kernel.ipvs;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of the IPVS connection table ({@code /proc/net/ip_vs_conn}, {@code ipvsadm -Lnc}): a client
 * connection or a persistence template and the destination it is bound to.
 *
 * @param protocol          "TCP", "UDP", "SCTP", or "IP" for firewall-mark persistence templates
 * @param client            client address and port (port 0 in a persistence template)
 * @param virtualAddress    the virtual service's address and port
 * @param destination       the real server's address and port
 * @param state             the protocol state as the kernel names it, e.g. ESTABLISHED, FIN_WAIT, NONE
 * @param expiresIn         time left before the entry expires
 * @param persistenceEngine the persistence engine that owns the entry, if any
 * @param engineData        that engine's data, e.g. a SIP Call-ID; "" without an engine
 */
public record Connection(String protocol, InetSocketAddress client, InetSocketAddress virtualAddress,
                         InetSocketAddress destination, String state, Duration expiresIn,
                         Optional<String> persistenceEngine, String engineData) {
    public Connection {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(virtualAddress, "virtualAddress");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(expiresIn, "expiresIn");
        Objects.requireNonNull(persistenceEngine, "persistenceEngine");
        Objects.requireNonNull(engineData, "engineData");
    }

    /** "TCP 192.0.2.99:40000 -> 192.0.2.100:80 -> 192.0.2.11:80 ESTABLISHED". */
    @Override
    public String toString() {
        return protocol + " " + text(client) + " -> " + text(virtualAddress) + " -> " + text(destination) + " " + state;
    }

    private static String text(InetSocketAddress a) {
        return Addresses.format(a.getAddress(), a.getPort());
    }
}
