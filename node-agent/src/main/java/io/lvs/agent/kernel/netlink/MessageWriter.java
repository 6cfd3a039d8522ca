package io.lvs.agent.kernel.netlink;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds the payload of one netlink message (everything after {@code struct nlmsghdr}): fixed
 * family headers followed by attributes, with 4-byte alignment and nesting. Multi-byte values are in
 * host byte order unless the method name says {@code be}.
 */
public final class MessageWriter {
    private static final VarHandle U16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());
    private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle BE16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle BE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private byte[] buf;
    private int pos;

    public MessageWriter() {
        this(64);
    }

    public MessageWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int extra) {
        if (pos + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + extra));
        }
    }

    private void padTo4() {
        int aligned = Netlink.align(pos);
        ensure(aligned - pos);
        pos = aligned; // array bytes are zero already
    }

    // ---- raw fields (family headers such as genlmsghdr, ifaddrmsg)

    public MessageWriter u8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
        return this;
    }

    public MessageWriter u16(int v) {
        ensure(2);
        U16.set(buf, pos, (short) v);
        pos += 2;
        return this;
    }

    public MessageWriter u32(int v) {
        ensure(4);
        U32.set(buf, pos, v);
        pos += 4;
        return this;
    }

    public MessageWriter bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
        return this;
    }

    // ---- attributes

    private int header(int type, int payloadLen) {
        padTo4();
        ensure(Netlink.NLA_HDRLEN + payloadLen);
        int start = pos;
        U16.set(buf, pos, (short) (Netlink.NLA_HDRLEN + payloadLen));
        U16.set(buf, pos + 2, (short) type);
        pos += Netlink.NLA_HDRLEN;
        return start;
    }

    public MessageWriter attrU8(int type, int v) {
        header(type, 1);
        buf[pos++] = (byte) v;
        padTo4();
        return this;
    }

    public MessageWriter attrU16(int type, int v) {
        header(type, 2);
        U16.set(buf, pos, (short) v);
        pos += 2;
        padTo4();
        return this;
    }

    /** A 16-bit value in network byte order (ports). */
    public MessageWriter attrBe16(int type, int v) {
        header(type, 2);
        BE16.set(buf, pos, (short) v);
        pos += 2;
        padTo4();
        return this;
    }

    public MessageWriter attrU32(int type, int v) {
        header(type, 4);
        U32.set(buf, pos, v);
        pos += 4;
        return this;
    }

    /** A 32-bit value in network byte order. */
    public MessageWriter attrBe32(int type, int v) {
        header(type, 4);
        BE32.set(buf, pos, v);
        pos += 4;
        return this;
    }

    public MessageWriter attrBytes(int type, byte[] value) {
        header(type, value.length);
        System.arraycopy(value, 0, buf, pos, value.length);
        pos += value.length;
        padTo4();
        return this;
    }

    /** A NUL-terminated string attribute (NLA_NUL_STRING / NLA_STRING both accept it). */
    public MessageWriter attrString(int type, String value) {
        byte[] s = value.getBytes(StandardCharsets.US_ASCII);
        header(type, s.length + 1);
        System.arraycopy(s, 0, buf, pos, s.length);
        pos += s.length + 1;
        padTo4();
        return this;
    }

    /** Starts a nested attribute; returns a mark for {@link #endNested(int)}. */
    public int beginNested(int type) {
        return header(type | Netlink.NLA_F_NESTED, 0);
    }

    public MessageWriter endNested(int mark) {
        padTo4();
        U16.set(buf, mark, (short) (pos - mark));
        return this;
    }

    /** Bytes written so far. */
    public int length() {
        return pos;
    }

    public byte[] toBytes() {
        return Arrays.copyOf(buf, pos);
    }
}
