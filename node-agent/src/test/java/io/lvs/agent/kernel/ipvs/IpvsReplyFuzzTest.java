package io.lvs.agent.kernel.ipvs;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lvs.agent.kernel.KernelException;
import io.lvs.agent.kernel.netlink.Netlink;
import io.lvs.agent.kernel.netlink.NetlinkError;
import io.lvs.agent.kernel.netlink.NetlinkMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * Arbitrary bytes through the reply path a received datagram takes (NetlinkMessage.parseAll, then every
 * IPVS decoder, and the NLMSG_ERROR parser), and arbitrary text through the connection-table parser.
 * Malformed input may only end in the library's own {@link KernelException} (NetlinkProtocolException
 * is one); anything else, or a hang, is a finding.
 *
 * <p>In a normal build the seeds under {@code src/test/resources/.../IpvsReplyFuzzTestInputs/} run as
 * ordinary tests. To fuzz for real: {@code JAZZER_FUZZ=1 ./mvnw -pl node-agent test
 * -Dtest=IpvsReplyFuzzTest#decodeAnyReply} (one fuzz test per run; stop it with maxDuration or Ctrl-C).
 */
class IpvsReplyFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void decodeAnyReply(byte[] datagram) {
        List<NetlinkMessage> messages;
        try {
            messages = NetlinkMessage.parseAll(ByteBuffer.wrap(datagram));
        } catch (KernelException expected) {
            return;
        }
        for (NetlinkMessage m : messages) {
            if (m.type() == Netlink.NLMSG_ERROR) {
                tolerate(NetlinkError::parse, m);
            }
            tolerate(IpvsCodec::decodeService, m);
            tolerate(x -> IpvsCodec.decodeDestination(x, AddressFamily.INET), m);
            tolerate(x -> IpvsCodec.decodeDestination(x, AddressFamily.INET6), m);
            tolerate(IpvsCodec::decodeInfo, m);
            tolerate(IpvsCodec::decodeTimeouts, m);
            tolerate(IpvsCodec::decodeDaemon, m);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void parseAnyConnectionTable(byte[] text) {
        try {
            ConnectionTable.parse(new String(text, StandardCharsets.UTF_8));
        } catch (KernelException expected) {
            // malformed text is reported, naming the line
        }
    }

    private static void tolerate(Consumer<NetlinkMessage> decoder, NetlinkMessage m) {
        try {
            decoder.accept(m);
        } catch (KernelException expected) {
            // the library's own error for malformed input
        }
    }
}
