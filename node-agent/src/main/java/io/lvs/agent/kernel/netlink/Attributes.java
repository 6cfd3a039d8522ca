package io.lvs.agent.kernel.netlink;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A parsed, validated run of netlink attributes (TLVs) over a reply buffer. Parsing checks every
 * length against the enclosing buffer, so a malformed reply ends in {@link NetlinkProtocolException}
 * and never in an index or buffer exception. When a type repeats, lookups return the last one;
 * {@link #all(int)} returns every occurrence (nested arrays).
 */
public final class Attributes {
    /** Types we index directly; higher types fall back to a scan. */
    private static final int DIRECT = 64;

    private final String context;
    private final List<Attribute> list;
    private final Attribute[] byType = new Attribute[DIRECT];

    /** One attribute: its type (flags stripped), flags, and a read-only native-order view of its value. */
    public record Attribute(int type, boolean nested, ByteBuffer value) {
    }

    private Attributes(String context, List<Attribute> list) {
        this.context = context;
        this.list = list;
        for (Attribute a : list) {
            if (a.type < DIRECT) {
                byType[a.type] = a;
            }
        }
    }

    /** Parses attributes from {@code buf}'s position to its limit; {@code context} names the enclosing object in errors. */
    public static Attributes parse(ByteBuffer buf, String context) {
        ByteBuffer b = buf.slice().order(ByteOrder.nativeOrder());
        List<Attribute> out = new ArrayList<>();
        int pos = 0;
        int end = b.limit();
        while (end - pos >= Netlink.NLA_HDRLEN) {
            int len = Short.toUnsignedInt(b.getShort(pos));
            int rawType = Short.toUnsignedInt(b.getShort(pos + 2));
            if (len < Netlink.NLA_HDRLEN) {
                throw new NetlinkProtocolException(context + ": attribute type " + (rawType & Netlink.NLA_TYPE_MASK)
                        + " has length " + len + " (< " + Netlink.NLA_HDRLEN + ")");
            }
            if (len > end - pos) {
                throw new NetlinkProtocolException(context + ": attribute type " + (rawType & Netlink.NLA_TYPE_MASK)
                        + " of length " + len + " overruns its buffer (" + (end - pos) + " bytes left)");
            }
            ByteBuffer value = b.slice(pos + Netlink.NLA_HDRLEN, len - Netlink.NLA_HDRLEN)
                    .order(ByteOrder.nativeOrder()).asReadOnlyBuffer().order(ByteOrder.nativeOrder());
            out.add(new Attribute(rawType & Netlink.NLA_TYPE_MASK, (rawType & Netlink.NLA_F_NESTED) != 0, value));
            pos += Netlink.align(len);
        }
        // Trailing bytes shorter than an attribute header are padding; the kernel tolerates them too.
        return new Attributes(context, List.copyOf(out));
    }

    public List<Attribute> list() {
        return list;
    }

    public boolean has(int type) {
        return find(type) != null;
    }

    private Attribute find(int type) {
        if (type >= 0 && type < DIRECT) {
            return byType[type];
        }
        Attribute found = null;
        for (Attribute a : list) {
            if (a.type == type) {
                found = a;
            }
        }
        return found;
    }

    private Attribute require(int type, String name) {
        Attribute a = find(type);
        if (a == null) {
            throw new NetlinkProtocolException(context + ": attribute " + name + " (" + type + ") is missing");
        }
        return a;
    }

    private static void size(Attribute a, int expected, String context, String name) {
        if (a.value.remaining() < expected) {
            throw new NetlinkProtocolException(context + ": attribute " + name + " (" + a.type + ") has "
                    + a.value.remaining() + " bytes, expected " + expected);
        }
    }

    /** Every attribute of this type, in order. */
    public List<Attribute> all(int type) {
        List<Attribute> r = new ArrayList<>();
        for (Attribute a : list) {
            if (a.type == type) {
                r.add(a);
            }
        }
        return r;
    }

    public int u8(int type, String name) {
        Attribute a = require(type, name);
        size(a, 1, context, name);
        return Byte.toUnsignedInt(a.value.get(0));
    }

    public int u16(int type, String name) {
        Attribute a = require(type, name);
        size(a, 2, context, name);
        return Short.toUnsignedInt(a.value.getShort(0));
    }

    public int be16(int type, String name) {
        Attribute a = require(type, name);
        size(a, 2, context, name);
        return Short.toUnsignedInt(a.value.duplicate().order(ByteOrder.BIG_ENDIAN).getShort(0));
    }

    /** An unsigned 32-bit value, returned as int bits (use {@link Integer#toUnsignedLong}). */
    public int u32(int type, String name) {
        Attribute a = require(type, name);
        size(a, 4, context, name);
        return a.value.getInt(0);
    }

    public int be32(int type, String name) {
        Attribute a = require(type, name);
        size(a, 4, context, name);
        return a.value.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(0);
    }

    public long u64(int type, String name) {
        Attribute a = require(type, name);
        size(a, 8, context, name);
        return a.value.getLong(0);
    }

    public Optional<Integer> optU8(int type, String name) {
        return has(type) ? Optional.of(u8(type, name)) : Optional.empty();
    }

    public Optional<Integer> optU16(int type, String name) {
        return has(type) ? Optional.of(u16(type, name)) : Optional.empty();
    }

    public Optional<Integer> optBe16(int type, String name) {
        return has(type) ? Optional.of(be16(type, name)) : Optional.empty();
    }

    public Optional<Integer> optU32(int type, String name) {
        return has(type) ? Optional.of(u32(type, name)) : Optional.empty();
    }

    public byte[] bytes(int type, String name) {
        ByteBuffer v = require(type, name).value.duplicate();
        byte[] out = new byte[v.remaining()];
        v.get(out);
        return out;
    }

    /** A string attribute, up to its first NUL (or its whole length when there is none). */
    public String string(int type, String name) {
        byte[] b = bytes(type, name);
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    public Optional<String> optString(int type, String name) {
        return has(type) ? Optional.of(string(type, name)) : Optional.empty();
    }

    /**
     * An address attribute: the first 4 bytes for IPv4, the first 16 for IPv6 (IPVS sends a 16-byte
     * {@code union nf_inet_addr} for both families).
     */
    public InetAddress address(int type, String name, int addressBytes) {
        byte[] b = bytes(type, name);
        if (b.length < addressBytes) {
            throw new NetlinkProtocolException(context + ": attribute " + name + " (" + type + ") has "
                    + b.length + " bytes, too short for a " + (addressBytes * 8) + "-bit address");
        }
        try {
            return InetAddress.getByAddress(java.util.Arrays.copyOf(b, addressBytes));
        } catch (UnknownHostException e) {
            throw new NetlinkProtocolException(context + ": attribute " + name + ": " + e.getMessage());
        }
    }

    /** The attributes nested in attribute {@code type}. */
    public Attributes nested(int type, String name) {
        return parse(require(type, name).value.duplicate(), context + "/" + name);
    }

    public Optional<Attributes> optNested(int type, String name) {
        return has(type) ? Optional.of(nested(type, name)) : Optional.empty();
    }

    /** The attributes nested in one attribute of {@link #all(int)}. */
    public Attributes nested(Attribute a, String name) {
        return parse(a.value.duplicate(), context + "/" + name);
    }

    public String context() {
        return context;
    }
}
