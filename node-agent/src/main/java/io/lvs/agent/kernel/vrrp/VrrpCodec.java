package io.lvs.agent.kernel.vrrp;

import io.lvs.agent.kernel.packet.InternetChecksum;
import io.lvs.agent.kernel.vrrp.ReceivedAdvert.Accepted;
import io.lvs.agent.kernel.vrrp.ReceivedAdvert.Dropped;
import io.lvs.agent.kernel.vrrp.ReceivedAdvert.Trailer;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * VRRPv3 advertisements (RFC 5798 5.2), the IP payload of protocol 112, for IPv4 and IPv6. Pure functions.
 *
 * <pre>
 *  0       4       8              16              24             32
 * | Ver=3 | Type=1 | Virtual Rtr ID |   Priority    | Count IPvX Addr |
 * | (rsvd) |     Max Adver Int (12 bits, centiseconds)   |    Checksum   |
 * | IPvX Address(es): 4 (IPv4) or 16 (IPv6) bytes each                 |
 * | [trailer: key id (32) | sequence (64) | HMAC-SHA256 (256 bits)]   |
 * </pre>
 *
 * <p>The checksum (5.2.8) is the Internet checksum of the whole message and the IP pseudo-header (source,
 * destination, protocol 112 and the message length) for both families.
 *
 * <p>The optional trailer is this project's extension, not RFC 5798's: a key id, a sequence number the sender
 * raises with every advertisement, and an HMAC-SHA256 under that key of the source and destination addresses
 * followed by the message up to the end of the sequence number (checksum field zero). The checksum is computed last
 * and covers the trailer. A receiver tells the two forms apart by the length after the announced addresses: zero, or
 * exactly {@link #TRAILER_LEN}.
 */
public final class VrrpCodec {
    /** IP protocol number of VRRP. */
    public static final int IPPROTO_VRRP = 112;
    /** Adverts are sent, and accepted only, with TTL / hop limit 255 (5.1.1.3, 5.1.2.3). */
    public static final int TTL = 255;
    public static final int VERSION = 3;
    public static final int TYPE_ADVERTISEMENT = 1;
    public static final int HEADER_LEN = 8;
    static final int MAC_LEN = 32;
    /** Key id (4), sequence (8), HMAC-SHA256 (32). */
    public static final int TRAILER_LEN = 4 + 8 + MAC_LEN;
    /** 224.0.0.18, the IPv4 destination of adverts (5.1.1.2). */
    public static final Inet4Address GROUP_V4 = (Inet4Address) InetAddress.ofLiteral("224.0.0.18");
    /** ff02::12, the IPv6 destination of adverts (5.1.2.2). */
    public static final Inet6Address GROUP_V6 = (Inet6Address) InetAddress.ofLiteral("ff02::12");

    private VrrpCodec() {
    }

    /** A plain RFC 5798 advert from {@code source} to {@code destination} (of the advert's family). */
    public static byte[] encode(VrrpAdvert advert, InetAddress source, InetAddress destination) {
        byte[] m = layout(advert, source, destination, 0);
        checksum(m, source, destination);
        return m;
    }

    /** An advert with the authentication trailer under {@code key} carrying {@code sequence}. */
    public static byte[] encode(VrrpAdvert advert, InetAddress source, InetAddress destination, VrrpKey key,
                                long sequence) {
        byte[] m = layout(advert, source, destination, TRAILER_LEN);
        int t = m.length - TRAILER_LEN;
        putInt(m, t, key.id());
        putLong(m, t + 4, sequence);
        byte[] mac = mac(key, source, destination, m, t + 12);
        System.arraycopy(mac, 0, m, t + 12, MAC_LEN);
        checksum(m, source, destination);
        return m;
    }

    private static byte[] layout(VrrpAdvert a, InetAddress source, InetAddress destination, int trailer) {
        int alen = a.ipv6() ? 16 : 4;
        if (source.getAddress().length != alen || destination.getAddress().length != alen) {
            throw new IllegalArgumentException("source " + source + " and destination " + destination
                    + " must be of the advert's family");
        }
        byte[] m = new byte[HEADER_LEN + a.addresses().size() * alen + trailer];
        m[0] = (byte) (VERSION << 4 | TYPE_ADVERTISEMENT);
        m[1] = (byte) a.vrid();
        m[2] = (byte) a.priority();
        m[3] = (byte) a.addresses().size();
        m[4] = (byte) (a.maxAdvertIntervalCentis() >>> 8); // the 4 reserved bits stay zero
        m[5] = (byte) a.maxAdvertIntervalCentis();
        int p = HEADER_LEN;
        for (InetAddress address : a.addresses()) {
            System.arraycopy(address.getAddress(), 0, m, p, alen);
            p += alen;
        }
        return m;
    }

    private static void checksum(byte[] m, InetAddress source, InetAddress destination) {
        int sum = InternetChecksum.withPseudoHeader(source, destination, IPPROTO_VRRP, m, 0, m.length);
        m[6] = (byte) (sum >>> 8);
        m[7] = (byte) sum;
    }

    /**
     * Decodes the IP payload {@code m} of a packet from {@code source} to {@code destination}. Checks the format
     * only (version, type, lengths, checksum); the TTL, the trailer's key, MAC and sequence are checked by
     * {@link #checkTtl} and {@link AdvertVerifier}.
     */
    public static ReceivedAdvert decode(byte[] m, InetAddress source, InetAddress destination) {
        if (m.length < HEADER_LEN) {
            return new Dropped(DropReason.TRUNCATED, m.length + " bytes, the header alone has " + HEADER_LEN);
        }
        int version = (m[0] & 0xff) >>> 4;
        if (version != VERSION) {
            return new Dropped(DropReason.WRONG_VERSION, "version " + version);
        }
        int type = m[0] & 0x0f;
        if (type != TYPE_ADVERTISEMENT) {
            return new Dropped(DropReason.WRONG_TYPE, "type " + type);
        }
        int alen = source.getAddress().length;
        if (destination.getAddress().length != alen) {
            return new Dropped(DropReason.WRONG_FAMILY, "from " + source.getHostAddress() + " to "
                    + destination.getHostAddress());
        }
        int count = m[3] & 0xff;
        int rest = m.length - HEADER_LEN - count * alen;
        if (rest < 0) {
            return new Dropped(DropReason.TRUNCATED, m.length + " bytes, " + count + " addresses need "
                    + (HEADER_LEN + count * alen));
        }
        if (count == 0 || (rest != 0 && rest != TRAILER_LEN)) {
            return new Dropped(DropReason.ADDRESS_COUNT_MISMATCH, count + " addresses of " + alen + " bytes in "
                    + m.length + " bytes");
        }
        if (InternetChecksum.withPseudoHeader(source, destination, IPPROTO_VRRP, m, 0, m.length) != 0) {
            return new Dropped(DropReason.BAD_CHECKSUM, String.format("checksum %02x%02x", m[6], m[7]));
        }
        int interval = ((m[4] & 0x0f) << 8) | (m[5] & 0xff);
        if (interval == 0 || (m[1] & 0xff) == 0) {
            return new Dropped(DropReason.INVALID_FIELD, "VRID " + (m[1] & 0xff) + ", interval " + interval);
        }
        List<InetAddress> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] a = new byte[alen];
            System.arraycopy(m, HEADER_LEN + i * alen, a, 0, alen);
            addresses.add(address(a));
        }
        VrrpAdvert advert = new VrrpAdvert(m[1] & 0xff, m[2] & 0xff, interval, addresses);
        Optional<Trailer> trailer = Optional.empty();
        if (rest == TRAILER_LEN) {
            int t = m.length - TRAILER_LEN;
            trailer = Optional.of(new Trailer(getInt(m, t), getLong(m, t + 4)));
        }
        return new Accepted(advert, trailer);
    }

    /** Nothing, or BAD_TTL when the received TTL / hop limit is not 255 (the packet crossed a router). */
    public static Optional<Dropped> checkTtl(int ttl) {
        return ttl == TTL ? Optional.empty()
                : Optional.of(new Dropped(DropReason.BAD_TTL, "TTL " + ttl + ", must be " + TTL));
    }

    /** Whether the trailer's MAC of {@code m} (a decoded message with a trailer) is right under {@code key}. */
    static boolean macMatches(byte[] m, InetAddress source, InetAddress destination, VrrpKey key) {
        int t = m.length - TRAILER_LEN;
        byte[] copy = m.clone();
        copy[6] = 0;
        copy[7] = 0;
        byte[] expected = mac(key, source, destination, copy, t + 12);
        byte[] got = new byte[MAC_LEN];
        System.arraycopy(m, t + 12, got, 0, MAC_LEN);
        return MessageDigest.isEqual(expected, got);
    }

    private static byte[] mac(VrrpKey key, InetAddress source, InetAddress destination, byte[] m, int len) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.secret(), "HmacSHA256"));
            mac.update(source.getAddress());
            mac.update(destination.getAddress());
            mac.update(m, 0, len);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static InetAddress address(byte[] a) {
        try {
            // Inet6Address.getByAddress keeps a v4-mapped IPv6 address IPv6, where InetAddress.getByAddress would not
            return a.length == 16 ? Inet6Address.getByAddress(null, a, -1) : InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are an address", e);
        }
    }

    private static void putInt(byte[] m, int p, int v) {
        for (int i = 0; i < 4; i++) {
            m[p + i] = (byte) (v >>> (24 - 8 * i));
        }
    }

    private static void putLong(byte[] m, int p, long v) {
        for (int i = 0; i < 8; i++) {
            m[p + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    private static int getInt(byte[] m, int p) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = v << 8 | (m[p + i] & 0xff);
        }
        return v;
    }

    private static long getLong(byte[] m, int p) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (m[p + i] & 0xff);
        }
        return v;
    }
}
