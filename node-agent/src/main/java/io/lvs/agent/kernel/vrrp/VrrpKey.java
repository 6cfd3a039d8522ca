package io.lvs.agent.kernel.vrrp;

import java.util.Arrays;

/**
 * A shared HMAC-SHA256 key of the directors of a VIP, with the id advertisements name it by so that keys can rotate:
 * receivers accept the current and the previous key while senders move to the new one.
 */
public final class VrrpKey {
    private final int id;
    private final byte[] secret;

    /** {@code id}: any non-negative number distinct from the previous key's; {@code secret}: at least 16 bytes. */
    public VrrpKey(int id, byte[] secret) {
        if (id < 0) {
            throw new IllegalArgumentException("key id must not be negative: " + id);
        }
        if (secret.length < 16) {
            throw new IllegalArgumentException("a VRRP key needs at least 16 bytes, has " + secret.length);
        }
        this.id = id;
        this.secret = secret.clone();
    }

    public int id() {
        return id;
    }

    byte[] secret() {
        return secret.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VrrpKey k && k.id == id && Arrays.equals(k.secret, secret);
    }

    @Override
    public int hashCode() {
        return 31 * id + Arrays.hashCode(secret);
    }

    /** Never shows the secret. */
    @Override
    public String toString() {
        return "VrrpKey[id=" + id + "]";
    }
}
