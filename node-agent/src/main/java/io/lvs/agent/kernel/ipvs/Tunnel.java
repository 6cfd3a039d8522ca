package io.lvs.agent.kernel.ipvs;

import java.util.Objects;

/**
 * The encapsulation of a {@link ForwardingMethod#TUNNEL} destination (IPVS_DEST_ATTR_TUN_TYPE, _PORT,
 * _FLAGS). Other forwarding methods carry {@link #IPIP}, the kernel's zero value.
 */
public sealed interface Tunnel {

    /** IP-in-IP, the default. */
    Tunnel IPIP = new Ipip();

    /** IP_VS_CONN_F_TUNNEL_TYPE_IPIP. */
    record Ipip() implements Tunnel {
        @Override
        public String toString() {
            return "ipip";
        }
    }

    /**
     * IP_VS_CONN_F_TUNNEL_TYPE_GUE: Generic UDP Encapsulation to a UDP port on the real server.
     *
     * @param port     the real server's GUE port, 1..65535
     * @param checksum the UDP checksum mode
     */
    record Gue(int port, TunnelChecksum checksum) implements Tunnel {
        public Gue {
            Objects.requireNonNull(checksum, "checksum");
            if (port < 1 || port > 0xffff) {
                throw new IllegalArgumentException("GUE port " + port + " is outside 1..65535");
            }
        }

        @Override
        public String toString() {
            return "gue port " + port + (checksum == TunnelChecksum.NONE ? "" : " " + checksum.name().toLowerCase());
        }
    }

    /**
     * IP_VS_CONN_F_TUNNEL_TYPE_GRE.
     *
     * @param checksum the GRE checksum mode
     */
    record Gre(TunnelChecksum checksum) implements Tunnel {
        public Gre {
            Objects.requireNonNull(checksum, "checksum");
        }

        @Override
        public String toString() {
            return "gre" + (checksum == TunnelChecksum.NONE ? "" : " " + checksum.name().toLowerCase());
        }
    }
}
