package io.lvs.agent.kernel.ipvs;

/**
 * Hash codes for the table keys. Record hashes of addresses and ports ({@code 31 * h + port} over an
 * IPv4 address's own int) are clustered for the consecutive VIPs and ports a real table has, and the
 * JDK's immutable maps and sets probe linearly, so clusters made planning a 100,000-entry table take
 * seconds. Mixing every bit fixes that.
 */
public final class Hashing {
    private Hashing() {
    }

    /** The 64-bit finaliser of MurmurHash3, folded to 32 bits. */
    public static int mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return (int) x ^ (int) (x >>> 32);
    }

    /** Mixes two hash codes into one. */
    public static int mix(int a, int b) {
        return mix(((long) a << 32) ^ (b & 0xffffffffL));
    }
}
