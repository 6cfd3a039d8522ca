package io.lvs.api.crd;

import static io.lvs.api.crd.ApiServerModel.Layer.CEL;
import static io.lvs.api.crd.ApiServerModel.Layer.OPENAPI;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.CustomResource;
import io.lvs.api.v1alpha1.Messages;
import io.lvs.api.v1alpha1.NodeReport;
import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VipPool;
import io.lvs.api.v1alpha1.VirtualService;
import io.lvs.api.v1alpha1.validation.ApiObjects;
import io.lvs.api.v1alpha1.validation.RealServerValidator;
import io.lvs.api.v1alpha1.validation.VipPoolValidator;
import io.lvs.api.v1alpha1.validation.Violation;
import io.lvs.api.v1alpha1.validation.VirtualServiceValidator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every validation rule of the API, as pairs of an accepted and a rejected object. A rejected object must be refused
 * by the CRD as the API server applies it (OpenAPI constraints or CEL rules, read from the generated CRD) and by the
 * operator's Java validation; where a CEL rule catches it, both layers must say the same sentence, and so must they
 * for a field of the wrong JSON type (the API server's OpenAPI sentence, which the operator reads objects stored by a
 * server that skipped the schema with). A few rules cannot be written in the CRD; those are marked as caught by the
 * operator only.
 */
class ValidationRulesTest {

    sealed interface Expect permits Accepted, Rejected, SameSentence, OperatorOnly {
    }

    record Accepted() implements Expect {
    }

    /** The API server's layer, field and message fragment; the operator's field and message fragment. */
    record Rejected(ApiServerModel.Layer layer, String apiField, String apiMessage, String javaField, String javaMessage)
            implements Expect {
    }

    /**
     * A field of the wrong JSON type, or a number beyond what the field's type holds: the schema layer refuses the field,
     * and its finding in kube-apiserver's words (k8s.io/kube-openapi) is this sentence, which is the operator's too.
     */
    record SameSentence(String field, String sentence) implements Expect {
    }

    /** The CRD cannot express the rule: the API server accepts the object, the operator rejects it. */
    record OperatorOnly(String javaField, String javaMessage) implements Expect {
    }

    record Case(String name, Class<? extends CustomResource<?, ?>> kind, TestObject object, Expect expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final TestObject VS = TestObject.base("virtualservice.yaml");
    private static final TestObject RS = TestObject.base("realserver.yaml");
    private static final TestObject POOL = TestObject.base("vippool.yaml");
    private static final Map<Class<?>, ApiServerModel> MODELS = Map.of(
            VirtualService.class, new ApiServerModel(VirtualService.class),
            RealServer.class, new ApiServerModel(RealServer.class),
            NodeReport.class, new ApiServerModel(NodeReport.class),
            VipPool.class, new ApiServerModel(VipPool.class));

    private static Case ok(String name, TestObject o) {
        return new Case(name, kindOf(o), o, new Accepted());
    }

    private static Case cel(String name, TestObject o, String field, String message) {
        return new Case(name, kindOf(o), o, new Rejected(CEL, field, message, field, message));
    }

    private static Case openApi(String name, TestObject o, String apiField, String apiFragment, String javaField,
                                String javaFragment) {
        return new Case(name, kindOf(o), o, new Rejected(OPENAPI, apiField, apiFragment, javaField, javaFragment));
    }

    private static Case typeError(String name, TestObject o, String field, String sentence) {
        return new Case(name, kindOf(o), o, new SameSentence(field, sentence));
    }

    private static Case operatorOnly(String name, TestObject o, String javaField, String javaFragment) {
        return new Case(name, kindOf(o), o, new OperatorOnly(javaField, javaFragment));
    }

    private static Class<? extends CustomResource<?, ?>> kindOf(TestObject o) {
        return switch (o.json().path("kind").asText()) {
            case "VirtualService" -> VirtualService.class;
            case "RealServer" -> RealServer.class;
            case "VipPool" -> VipPool.class;
            default -> NodeReport.class;
        };
    }

    static Stream<Case> cases() {
        Map<String, Object> tunnelGue = Map.of("encapsulation", "GUE", "port", 6080);
        TestObject tunnel = VS.set("spec.forwarding", Map.of("method", "Tunnel"));
        TestObject udpDns = VS.set("spec.ports", List.of(Map.of("name", "dns", "port", 53, "protocol", "UDP")));
        TestObject http = VS.set("spec.healthCheck", Map.of("type", "HTTP", "http", Map.of("path", "/healthz")));
        return Stream.of(
                ok("the base VirtualService", VS),
                // vip
                openApi("vip is required", VS.remove("spec.vip"), "spec.vip", "Required value", "spec.vip", "vip is required"),
                ok("an IPv6 vip", VS.set("spec.vip", "2001:db8::10")),
                cel("a vip that is not an address", VS.set("spec.vip", "300.1.1.1"), "spec.vip", Messages.VIP_NOT_IP),
                cel("a host name as vip", VS.set("spec.vip", "lb.example.com"), "spec.vip", Messages.VIP_NOT_IP),
                cel("a vip with a leading zero", VS.set("spec.vip", "192.0.2.010"), "spec.vip", Messages.VIP_NOT_IP),
                cel("a vip with a zone", VS.set("spec.vip", "fe80::1%eth0"), "spec.vip", Messages.VIP_NOT_IP),
                cel("an IPv4-mapped IPv6 vip", VS.set("spec.vip", "::ffff:192.0.2.10"), "spec.vip", Messages.VIP_NOT_IP),
                // Go's netip (a real API server) takes ASCII digits only; Java's and Guava's digit tests take any script
                cel("a vip in full-width digits", VS.set("spec.vip", "\uff11\uff19\uff12.\uff10.\uff12.\uff11\uff10"),
                        "spec.vip", Messages.VIP_NOT_IP),
                cel("a vip in Arabic-Indic digits", VS.set("spec.vip", "\u0661\u0669\u0662.\u0660.\u0662.\u0661\u0660"),
                        "spec.vip", Messages.VIP_NOT_IP),
                cel("an IPv6 vip with a full-width digit", VS.set("spec.vip", "2001:db8::\uff11\uff10"), "spec.vip",
                        Messages.VIP_NOT_IP),
                cel("a loopback vip", VS.set("spec.vip", "127.0.0.1"), "spec.vip", Messages.VIP_NOT_UNICAST),
                cel("a multicast vip", VS.set("spec.vip", "224.0.0.18"), "spec.vip", Messages.VIP_NOT_UNICAST),
                cel("a link-local vip", VS.set("spec.vip", "169.254.0.9"), "spec.vip", Messages.VIP_NOT_UNICAST),
                cel("the broadcast address as vip", VS.set("spec.vip", "255.255.255.255"), "spec.vip", Messages.VIP_NOT_UNICAST),
                cel("the unspecified IPv6 vip", VS.set("spec.vip", "::"), "spec.vip", Messages.VIP_NOT_UNICAST),
                cel("an IPv6 link-local vip", VS.set("spec.vip", "fe80::10"), "spec.vip", Messages.VIP_NOT_UNICAST),
                openApi("an over-long vip", VS.set("spec.vip", "2001:db8:1111:2222:3333:4444:5555:6666:7777:8888"),
                        "spec.vip", "may not be more than 45 bytes", "spec.vip", Messages.VIP_NOT_IP),
                // ports
                openApi("ports are required", VS.remove("spec.ports"), "spec.ports", "Required value", "spec.ports",
                        "at least one port"),
                openApi("an empty port list", VS.set("spec.ports", List.of()), "spec.ports", "should have at least 1 items",
                        "spec.ports", "at least one port"),
                ok("port 65535", VS.set("spec.ports[0].port", 65535)),
                openApi("port 0", VS.set("spec.ports[0].port", 0), "spec.ports[0].port", "should be greater than or equal to", "spec.ports[0].port",
                        "port must be between 1 and 65535"),
                openApi("port 65536", VS.set("spec.ports[0].port", 65536), "spec.ports[0].port",
                        "Invalid value: 65536: spec.ports[0].port in body should be less than or equal to 65535",
                        "spec.ports[0].port", "port must be between 1 and 65535"),
                openApi("an unknown protocol", VS.set("spec.ports[0].protocol", "ICMP"), "spec.ports[0].protocol",
                        "Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"", "spec.ports[0].protocol", "must be one of TCP, UDP, SCTP"),
                ok("the same port on TCP and UDP", VS.set("spec.ports", List.of(
                        Map.of("name", "a", "port", 53, "protocol", "TCP"), Map.of("name", "b", "port", 53, "protocol", "UDP")))),
                cel("the same port/protocol twice", VS.set("spec.ports", List.of(
                        Map.of("port", 80), Map.of("port", 80, "protocol", "TCP"))), "spec.ports", Messages.PORTS_DUPLICATE),
                cel("the same port name twice", VS.set("spec.ports", List.of(
                        Map.of("name", "web", "port", 80), Map.of("name", "web", "port", 443))), "spec.ports",
                        Messages.PORT_NAMES_DUPLICATE),
                // a field of the wrong JSON type (an API server that skips the schema stores it; the operator reads on)
                typeError("a port in words", VS.set("spec.ports[0].port", "eighty"), "spec.ports[0].port",
                        "spec.ports[0].port in body must be of type integer: \"string\""),
                typeError("a port as a string of digits", VS.set("spec.ports[0].port", "80"), "spec.ports[0].port",
                        "spec.ports[0].port in body must be of type integer: \"string\""),
                typeError("a port with a fraction", VS.set("spec.ports[0].port", 80.5), "spec.ports[0].port",
                        "spec.ports[0].port in body must be of type integer: \"number\""),
                typeError("a port beyond int32", VS.set("spec.ports[0].port", 4294967296L), "spec.ports[0].port",
                        "spec.ports[0].port in body should be less than or equal to 65535"),
                typeError("a negative port beyond int32", VS.set("spec.ports[0].port", -4294967296L), "spec.ports[0].port",
                        "spec.ports[0].port in body should be greater than or equal to 1"),
                typeError("a list of ports given as one object", VS.set("spec.ports", Map.of("port", 80)), "spec.ports",
                        "spec.ports in body must be of type array: \"object\""),
                typeError("a protocol given as a number", VS.set("spec.ports[0].protocol", 6), "spec.ports[0].protocol",
                        "spec.ports[0].protocol in body must be of type string: \"integer\""),
                typeError("a vip given as a number", VS.set("spec.vip", 10), "spec.vip",
                        "spec.vip in body must be of type string: \"integer\""),
                typeError("a scheduler given as its name alone", VS.set("spec.scheduler", "wrr"), "spec.scheduler",
                        "spec.scheduler in body must be of type object: \"string\""),
                typeError("a forwarding method given as a number", VS.set("spec.forwarding.method", 1),
                        "spec.forwarding.method", "spec.forwarding.method in body must be of type string: \"integer\""),
                typeError("rise in words", VS.set("spec.healthCheck", Map.of("rise", "two")), "spec.healthCheck.rise",
                        "spec.healthCheck.rise in body must be of type integer: \"string\""),
                typeError("preempt as a string", VS.set("spec.failover", Map.of("preempt", "false")), "spec.failover.preempt",
                        "spec.failover.preempt in body must be of type boolean: \"string\""),
                typeError("a label value given as a number", VS.set("spec.realServerSelector.matchLabels.app", 1),
                        "spec.realServerSelector.matchLabels.app",
                        "spec.realServerSelector.matchLabels.app in body must be of type string: \"integer\""),
                openApi("a port name that is not a DNS label", VS.set("spec.ports[0].name", "HTTP_1"), "spec.ports[0].name",
                        "in body should match '", "spec.ports[0].name", "must be a DNS label"),
                // scheduler
                ok("mh with both flags", VS.set("spec.scheduler", Map.of("name", "mh", "flags", List.of("Fallback", "Port")))),
                openApi("an unknown scheduler", VS.set("spec.scheduler.name", "wlcc"), "spec.scheduler.name", "Unsupported value",
                        "spec.scheduler.name", "must be one of rr, wrr, lc, wlc, sed, nq, sh, dh, lblc, lblcr, mh, fo, ovf, twos"),
                cel("flags on rr", VS.set("spec.scheduler", Map.of("name", "rr", "flags", List.of("Port"))),
                        "spec.scheduler", Messages.SCHEDULER_FLAGS),
                cel("a repeated flag", VS.set("spec.scheduler", Map.of("name", "sh", "flags", List.of("Port", "Port"))),
                        "spec.scheduler.flags", Messages.SCHEDULER_FLAGS_REPEAT),
                ok("one-packet scheduling on UDP ports", udpDns.set("spec.scheduler", Map.of("onePacket", true))),
                cel("an HTTP check on UDP ports only", udpDns.set("spec.healthCheck", Map.of("type", "HTTP")), "spec",
                        Messages.HC_HTTP_NEEDS_TCP),
                cel("an HTTPS check on UDP ports only", udpDns.set("spec.healthCheck", Map.of("type", "HTTPS")), "spec",
                        Messages.HC_HTTP_NEEDS_TCP),
                cel("an HTTP check on SCTP ports only", VS.set("spec.ports", List.of(Map.of("port", 80, "protocol", "SCTP")))
                        .set("spec.healthCheck", Map.of("type", "HTTP")), "spec", Messages.HC_HTTP_NEEDS_TCP),
                ok("an HTTP check on a TCP health port of a UDP service", udpDns.set("spec.healthCheck",
                        Map.of("type", "HTTP", "port", 8080))),
                ok("a TCP check on a UDP service (DNS answers on TCP 53)", udpDns.set("spec.healthCheck", Map.of("type", "TCP"))),
                ok("an HTTP check with one TCP port among UDP ones", udpDns.set("spec.ports", List.of(
                        Map.of("name", "dns", "port", 53, "protocol", "UDP"), Map.of("name", "web", "port", 80)))
                        .set("spec.healthCheck", Map.of("type", "HTTP"))),
                cel("one-packet scheduling with a TCP port", VS.set("spec.scheduler", Map.of("onePacket", true)),
                        "spec", Messages.ONE_PACKET_UDP),
                // forwarding
                ok("Tunnel with GUE and a port", tunnel.set("spec.forwarding.tunnel", tunnelGue)),
                openApi("an unknown forwarding method", VS.set("spec.forwarding.method", "DSR"), "spec.forwarding.method",
                        "Unsupported value", "spec.forwarding.method", "must be one of DirectRouting, NAT, Tunnel, Local"),
                cel("tunnel settings with DirectRouting", VS.set("spec.forwarding", Map.of("method", "DirectRouting",
                        "tunnel", Map.of("encapsulation", "IPIP"))), "spec.forwarding", Messages.TUNNEL_ONLY_WITH_TUNNEL),
                cel("GUE without a port", tunnel.set("spec.forwarding.tunnel", Map.of("encapsulation", "GUE")),
                        "spec.forwarding.tunnel", Messages.TUNNEL_PORT),
                cel("IPIP with a port", tunnel.set("spec.forwarding.tunnel", Map.of("encapsulation", "IPIP", "port", 6080)),
                        "spec.forwarding.tunnel", Messages.TUNNEL_PORT),
                ok("GRE with a checksum", tunnel.set("spec.forwarding.tunnel", Map.of("encapsulation", "GRE", "checksum", "Checksum"))),
                cel("IPIP with a checksum", tunnel.set("spec.forwarding.tunnel", Map.of("encapsulation", "IPIP", "checksum", "Checksum")),
                        "spec.forwarding.tunnel", Messages.TUNNEL_IPIP_CHECKSUM),
                ok("GUE with remote checksum offload", tunnel.set("spec.forwarding.tunnel",
                        Map.of("encapsulation", "GUE", "port", 6080, "checksum", "RemoteChecksum"))),
                cel("GRE with remote checksum offload", tunnel.set("spec.forwarding.tunnel",
                        Map.of("encapsulation", "GRE", "checksum", "RemoteChecksum")), "spec.forwarding.tunnel",
                        Messages.TUNNEL_GRE_REMOTE_CHECKSUM),
                ok("Local without a selector", VS.remove("spec.realServerSelector").set("spec.forwarding.method", "Local")),
                cel("Local with a real-server selector", VS.set("spec.forwarding.method", "Local"), "spec",
                        Messages.LOCAL_NO_SELECTOR),
                // persistence
                ok("persistence for 744h per /24", VS.set("spec.persistence", Map.of("timeout", "744h", "prefixLength", 24))),
                cel("persistence of 0s", VS.set("spec.persistence", Map.of("timeout", "0s")), "spec.persistence.timeout",
                        Messages.PERSISTENCE_TIMEOUT),
                cel("persistence over 31 days", VS.set("spec.persistence", Map.of("timeout", "745h")),
                        "spec.persistence.timeout", Messages.PERSISTENCE_TIMEOUT),
                openApi("a persistence timeout that is not a duration", VS.set("spec.persistence", Map.of("timeout", "5 minutes")),
                        "spec.persistence.timeout", "in body should match '", "spec.persistence.timeout", "must be a duration such as"),
                ok("a /64 persistence prefix on an IPv6 vip", VS.set("spec.vip", "2001:db8::10")
                        .set("spec.persistence", Map.of("prefixLength", 64))),
                cel("a /33 persistence prefix on an IPv4 vip", VS.set("spec.persistence", Map.of("prefixLength", 33)),
                        "spec", Messages.PERSISTENCE_PREFIX_V4),
                openApi("a /129 persistence prefix", VS.set("spec.vip", "2001:db8::10").set("spec.persistence",
                        Map.of("prefixLength", 129)), "spec.persistence.prefixLength", "should be less than or equal to",
                        "spec.persistence.prefixLength", "between 1 and 128"),
                // health check
                ok("an HTTP check", http),
                ok("a check with timeout equal to the interval", VS.set("spec.healthCheck", Map.of("interval", "2s", "timeout", "2s"))),
                cel("a timeout longer than the interval", VS.set("spec.healthCheck", Map.of("interval", "1s", "timeout", "2s")),
                        "spec.healthCheck", Messages.HC_TIMEOUT_OVER_INTERVAL),
                ok("a 100ms interval", VS.set("spec.healthCheck", Map.of("interval", "100ms", "timeout", "50ms"))),
                cel("a 50ms interval", VS.set("spec.healthCheck", Map.of("interval", "50ms", "timeout", "20ms")),
                        "spec.healthCheck.interval", Messages.HC_INTERVAL),
                cel("a 5ms timeout", VS.set("spec.healthCheck", Map.of("timeout", "5ms")), "spec.healthCheck.timeout",
                        Messages.HC_TIMEOUT),
                openApi("rise 0", VS.set("spec.healthCheck", Map.of("rise", 0)), "spec.healthCheck.rise", "should be greater than or equal to",
                        "spec.healthCheck.rise", "between 1 and 100"),
                openApi("fall 101", VS.set("spec.healthCheck", Map.of("fall", 101)), "spec.healthCheck.fall", "should be less than or equal to",
                        "spec.healthCheck.fall", "between 1 and 100"),
                openApi("an unknown check type", VS.set("spec.healthCheck", Map.of("type", "UDP")), "spec.healthCheck.type",
                        "Unsupported value", "spec.healthCheck.type", "must be one of None, ICMP, TCP, HTTP, HTTPS"),
                cel("http settings on a TCP check", VS.set("spec.healthCheck", Map.of("type", "TCP", "http", Map.of("path", "/"))),
                        "spec.healthCheck", Messages.HC_HTTP_ONLY),
                ok("an HTTPS check with a server name", VS.set("spec.healthCheck", Map.of("type", "HTTPS",
                        "http", Map.of("serverName", "web.example.com", "verifyCertificate", true)))),
                cel("a server name on an HTTP check", http.set("spec.healthCheck.http.serverName", "web.example.com"),
                        "spec.healthCheck", Messages.HC_HTTPS_ONLY),
                ok("status codes and ranges", http.set("spec.healthCheck.http.expectedStatuses", List.of("200", "300-302"))),
                cel("a reversed status range", http.set("spec.healthCheck.http.expectedStatuses", List.of("399-200")),
                        "spec.healthCheck.http.expectedStatuses", Messages.HC_STATUS_RANGE),
                openApi("status code 600", http.set("spec.healthCheck.http.expectedStatuses", List.of("600")),
                        "spec.healthCheck.http.expectedStatuses[0]", "in body should match '", "spec.healthCheck.http.expectedStatuses[0]",
                        "must be a status code"),
                openApi("a path without a leading slash", http.set("spec.healthCheck.http.path", "healthz"),
                        "spec.healthCheck.http.path", "in body should match '", "spec.healthCheck.http.path", "must start with /"),
                // directors
                openApi("directors are required", VS.remove("spec.directors"), "spec.directors", "Required value",
                        "spec.directors", "directors is required"),
                ok("directors by expression", VS.set("spec.directors.nodeSelector", Map.of("matchExpressions", List.of(
                        Map.of("key", "lvs.io/director", "operator", "Exists"))))),
                cel("an empty node selector", VS.set("spec.directors.nodeSelector", Map.of()), "spec.directors.nodeSelector",
                        Messages.DIRECTORS_EMPTY_SELECTOR),
                operatorOnly("a selector with an unknown operator", VS.set("spec.directors.nodeSelector", Map.of(
                        "matchExpressions", List.of(Map.of("key", "zone", "operator", "Near", "values", List.of("a"))))),
                        "spec.directors.nodeSelector.matchExpressions[0].operator", "operator must be In, NotIn, Exists or DoesNotExist"),
                operatorOnly("a selector label value that is not a label value", VS.set("spec.realServerSelector",
                        Map.of("matchLabels", Map.of("app", "web server"))), "spec.realServerSelector.matchLabels",
                        "is not a valid label value"),
                ok("distinct director priorities", VS.set("spec.directors.priorities", List.of(
                        Map.of("nodeName", "a", "priority", 200), Map.of("nodeName", "b", "priority", 254)))),
                cel("a node listed twice in priorities", VS.set("spec.directors.priorities", List.of(
                        Map.of("nodeName", "a", "priority", 200), Map.of("nodeName", "a", "priority", 100))),
                        "spec.directors.priorities", Messages.PRIORITIES_DUPLICATE),
                openApi("priority 255", VS.set("spec.directors.priorities", List.of(Map.of("nodeName", "a", "priority", 255))),
                        "spec.directors.priorities[0].priority", "should be less than or equal to", "spec.directors.priorities[0].priority",
                        "between 1 and 254"),
                openApi("an interface name over 15 characters", VS.set("spec.directors.interface", "eth0.1234567890ab"),
                        "spec.directors.interface", "may not be more than 15 bytes", "spec.directors.interface", "1-15 characters"),
                // failover
                ok("a 10ms advert interval", VS.set("spec.failover", Map.of("advertInterval", "10ms"))),
                cel("a 5ms advert interval", VS.set("spec.failover", Map.of("advertInterval", "5ms")),
                        "spec.failover.advertInterval", Messages.ADVERT_INTERVAL),
                cel("a 41s advert interval", VS.set("spec.failover", Map.of("advertInterval", "41s")),
                        "spec.failover.advertInterval", Messages.ADVERT_INTERVAL),
                cel("a 2h preempt delay", VS.set("spec.failover", Map.of("preemptDelay", "2h")), "spec.failover.preemptDelay",
                        Messages.PREEMPT_DELAY),
                openApi("a burst of 0", VS.set("spec.failover", Map.of("gratuitousArp", Map.of("burst", 0))),
                        "spec.failover.gratuitousArp.burst", "should be greater than or equal to", "spec.failover.gratuitousArp.burst", "between 1 and 100"),
                cel("a 2h repeat delay", VS.set("spec.failover", Map.of("gratuitousArp", Map.of("repeatDelay", "2h"))),
                        "spec.failover.gratuitousArp.repeatDelay", Messages.GARP_REPEAT_DELAY),
                ok("a 1s ARP refresh", VS.set("spec.failover", Map.of("gratuitousArp", Map.of("refreshInterval", "1s")))),
                cel("a 500ms ARP refresh", VS.set("spec.failover", Map.of("gratuitousArp", Map.of("refreshInterval", "500ms"))),
                        "spec.failover.gratuitousArp.refreshInterval", Messages.GARP_REFRESH),
                ok("a sync group, port and TTL", VS.set("spec.failover", Map.of("connectionSync",
                        Map.of("group", "233.252.0.81", "port", 9000, "ttl", 4)))),
                ok("an IPv6 sync group", VS.set("spec.failover", Map.of("connectionSync", Map.of("group", "ff05::db8:0:81")))),
                ok("an upper-case IPv6 sync group", VS.set("spec.failover", Map.of("connectionSync", Map.of("group", "FF05::DB8:0:82")))),
                cel("a unicast sync group", VS.set("spec.failover", Map.of("connectionSync", Map.of("group", "192.0.2.81"))),
                        "spec.failover.connectionSync.group", Messages.SYNC_GROUP),
                cel("240.0.0.1 is not multicast", VS.set("spec.failover", Map.of("connectionSync", Map.of("group", "240.0.0.1"))),
                        "spec.failover.connectionSync.group", Messages.SYNC_GROUP),
                cel("ff::1 is 00ff::1, not multicast", VS.set("spec.failover", Map.of("connectionSync", Map.of("group", "ff::1"))),
                        "spec.failover.connectionSync.group", Messages.SYNC_GROUP),
                cel("an IPv6 unicast sync group", VS.set("spec.failover", Map.of("connectionSync", Map.of("group", "2001:db8::81"))),
                        "spec.failover.connectionSync.group", Messages.SYNC_GROUP),
                cel("a sync group that is no address", VS.set("spec.failover", Map.of("connectionSync", Map.of("group", "224.0.0"))),
                        "spec.failover.connectionSync.group", Messages.SYNC_GROUP),
                openApi("sync port 0", VS.set("spec.failover", Map.of("connectionSync", Map.of("port", 0))),
                        "spec.failover.connectionSync.port", "should be greater than or equal to", "spec.failover.connectionSync.port", "between 1 and 65535"),
                openApi("sync TTL 256", VS.set("spec.failover", Map.of("connectionSync", Map.of("ttl", 256))),
                        "spec.failover.connectionSync.ttl", "should be less than or equal to", "spec.failover.connectionSync.ttl", "between 1 and 255"),
                // RealServer
                ok("the base RealServer", RS),
                ok("an IPv6 real server with weight 0", RS.set("spec.address", "2001:db8::21").set("spec.weight", 0)),
                openApi("address is required", RS.remove("spec.address"), "spec.address", "Required value",
                        "spec.address", "address is required"),
                cel("a real server that is not an address", RS.set("spec.address", "192.0.2"), "spec.address",
                        Messages.ADDRESS_NOT_IP),
                cel("a real server in Devanagari digits", RS.set("spec.address", "\u0967\u096f\u0968.\u0966.\u0968.\u0968\u0967"),
                        "spec.address", Messages.ADDRESS_NOT_IP),
                cel("a loopback real server", RS.set("spec.address", "::1"), "spec.address", Messages.ADDRESS_NOT_UNICAST),
                openApi("weight 65536", RS.set("spec.weight", 65536), "spec.weight", "should be less than or equal to", "spec.weight",
                        "between 0 and 65535"),
                openApi("weight -1", RS.set("spec.weight", -1), "spec.weight", "should be greater than or equal to", "spec.weight", "between 0 and 65535"),
                openApi("real-server port 0", RS.set("spec.port", 0), "spec.port", "should be greater than or equal to", "spec.port", "between 1 and 65535"),
                ok("connection limits 100/75", RS.set("spec.connectionLimits", Map.of("upper", 100, "lower", 75))),
                cel("a lower limit above the upper", RS.set("spec.connectionLimits", Map.of("upper", 10, "lower", 75)),
                        "spec.connectionLimits", Messages.CONNECTION_LIMITS),
                cel("a lower limit without an upper", RS.set("spec.connectionLimits", Map.of("lower", 75)),
                        "spec.connectionLimits", Messages.CONNECTION_LIMITS),
                cel("an override check with a 10ms interval", RS.set("spec.healthCheck", Map.of("interval", "10ms", "timeout", "10ms")),
                        "spec.healthCheck.interval", Messages.HC_INTERVAL),
                typeError("a weight in words", RS.set("spec.weight", "heavy"), "spec.weight",
                        "spec.weight in body must be of type integer: \"string\""),
                typeError("a weight with a fraction", RS.set("spec.weight", 1.5), "spec.weight",
                        "spec.weight in body must be of type integer: \"number\""),
                typeError("a node name given as a number", RS.set("spec.nodeName", 12), "spec.nodeName",
                        "spec.nodeName in body must be of type string: \"integer\""),
                typeError("a reference given as the name alone", RS.set("spec.virtualServiceRef", "web"),
                        "spec.virtualServiceRef", "spec.virtualServiceRef in body must be of type object: \"string\""),
                typeError("a connection limit beyond int32", RS.set("spec.connectionLimits", Map.of("upper", 4294967296L)),
                        "spec.connectionLimits.upper",
                        "spec.connectionLimits.upper in body should be less than or equal to 2147483647"),
                openApi("a reference to an invalid name", RS.set("spec.virtualServiceRef.name", "Web_1"),
                        "spec.virtualServiceRef.name", "in body should match '", "spec.virtualServiceRef.name", "must name a VirtualService"),
                openApi("an invalid node name", RS.set("spec.nodeName", "Node A"), "spec.nodeName", "in body should match '", "spec.nodeName",
                        "must be a node name"),
                // VipPool
                ok("the base VipPool", POOL),
                ok("a pool for every namespace", POOL.remove("spec.namespaces")),
                ok("a pool of one address", POOL.set("spec.addresses", List.of("192.0.2.10/32", "2001:db8::10/128"))),
                ok("a pool selecting namespaces", POOL.set("spec.namespaceSelector", Map.of("matchLabels", Map.of("lb", "yes")))),
                openApi("a pool without addresses", POOL.remove("spec.addresses"), "spec.addresses", "Required value",
                        "spec.addresses", "at least one CIDR"),
                openApi("an empty address list", POOL.set("spec.addresses", List.of()), "spec.addresses", "should have at least 1 items",
                        "spec.addresses", "at least one CIDR"),
                cel("a bare address in a pool", POOL.set("spec.addresses", List.of("192.0.2.10")), "spec.addresses",
                        Messages.POOL_NOT_CIDR),
                cel("host bits after the prefix", POOL.set("spec.addresses", List.of("192.0.2.7/24")), "spec.addresses",
                        Messages.POOL_NOT_CIDR),
                cel("IPv6 host bits after the prefix", POOL.set("spec.addresses", List.of("2001:db8::1/64")),
                        "spec.addresses", Messages.POOL_NOT_CIDR),
                cel("a prefix longer than the address", POOL.set("spec.addresses", List.of("192.0.2.0/33")),
                        "spec.addresses", Messages.POOL_NOT_CIDR),
                cel("a prefix length with a leading zero", POOL.set("spec.addresses", List.of("192.0.2.0/024")),
                        "spec.addresses", Messages.POOL_NOT_CIDR),
                cel("a prefix length with a sign", POOL.set("spec.addresses", List.of("192.0.2.0/+24")),
                        "spec.addresses", Messages.POOL_NOT_CIDR),
                cel("a prefix in full-width digits", POOL.set("spec.addresses", List.of("192.0.2.0/\uff12\uff14")),
                        "spec.addresses", Messages.POOL_NOT_CIDR),
                cel("an IPv4-mapped IPv6 prefix", POOL.set("spec.addresses", List.of("::ffff:192.0.2.0/120")),
                        "spec.addresses", Messages.POOL_NOT_CIDR),
                cel("a range instead of a CIDR", POOL.set("spec.addresses", List.of("192.0.2.10-192.0.2.20")),
                        "spec.addresses", Messages.POOL_NOT_CIDR),
                cel("a namespace that is not a name", POOL.set("spec.namespaces", List.of("Team_A")), "spec.namespaces",
                        Messages.POOL_NAMESPACE_NAME),
                typeError("pool addresses given as one string", POOL.set("spec.addresses", "192.0.2.0/24"), "spec.addresses",
                        "spec.addresses in body must be of type array: \"string\""),
                typeError("a pool namespace given as a number", POOL.set("spec.namespaces", List.of(7)), "spec.namespaces[0]",
                        "spec.namespaces[0] in body must be of type string: \"integer\""),
                operatorOnly("a pool selector with an unknown operator", POOL.set("spec.namespaceSelector", Map.of(
                        "matchExpressions", List.of(Map.of("key", "lb", "operator", "Is")))),
                        "spec.namespaceSelector.matchExpressions[0].operator", "operator must be In"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyRuleIsEnforcedByTheCrdAndByTheOperator(Case c) throws Exception {
        List<ApiServerModel.Rejection> api = MODELS.get(c.kind()).admit(c.object().json());
        List<Violation> java = javaViolations(c);
        switch (c.expect()) {
            case Accepted a -> {
                assertEquals(List.of(), api, "the API server must accept " + c.object());
                assertEquals(List.of(), java, "the operator must accept " + c.object());
            }
            case Rejected r -> {
                assertTrue(api.stream().anyMatch(x -> x.layer() == r.layer() && x.field().equals(r.apiField())
                                && x.message().contains(r.apiMessage())),
                        "expected the API server's " + r.layer() + " layer to reject " + r.apiField() + " with \""
                                + r.apiMessage() + "\", got " + api);
                assertTrue(java.stream().anyMatch(v -> v.field().equals(r.javaField()) && v.message().contains(r.javaMessage())),
                        "expected the operator to reject " + r.javaField() + " with \"" + r.javaMessage() + "\", got " + java);
            }
            case SameSentence same -> {
                List<String> said = api.stream().filter(x -> x.layer() == OPENAPI && x.field().equals(same.field()))
                        .map(ValidationRulesTest::inKubeApiServersWords).toList();
                assertTrue(said.contains(same.sentence()), "expected the API server's schema layer to refuse "
                        + same.field() + " saying \"" + same.sentence() + "\", got " + said + " of " + api);
                assertTrue(java.stream().anyMatch(v -> v.field().equals(same.field()) && v.message().equals(same.sentence())),
                        "expected the operator to refuse " + same.field() + " with the same sentence \"" + same.sentence()
                                + "\", got " + java);
            }
            case OperatorOnly o -> {
                assertEquals(List.of(), api, "the CRD cannot express this rule; the API server accepts " + c.object());
                assertTrue(java.stream().anyMatch(v -> v.field().equals(o.javaField()) && v.message().contains(o.javaMessage())),
                        "expected the operator to reject " + o.javaField() + " with \"" + o.javaMessage() + "\", got " + java);
            }
        }
    }

    private static final java.util.regex.Pattern INVALID_VALUE = java.util.regex.Pattern.compile(
            "^Invalid value: (\"(?:[^\"\\\\]|\\\\.)*\"|[^:]*): ");

    /**
     * The schema layer's finding without the field error's "Invalid value: VALUE: " prefix: the sentence itself, which
     * is what the operator says in its condition (the API server prints the field and the value before it).
     */
    private static String inKubeApiServersWords(ApiServerModel.Rejection r) {
        return INVALID_VALUE.matcher(r.message()).replaceFirst("");
    }

    private static List<Violation> javaViolations(Case c) throws Exception {
        if (c.kind() == VirtualService.class) {
            return VirtualServiceValidator.validate(ApiObjects.MAPPER.treeToValue(c.object().json(), VirtualService.class).getSpec());
        }
        if (c.kind() == RealServer.class) {
            return RealServerValidator.validate(ApiObjects.MAPPER.treeToValue(c.object().json(), RealServer.class).getSpec());
        }
        if (c.kind() == VipPool.class) {
            return VipPoolValidator.validate(ApiObjects.MAPPER.treeToValue(c.object().json(), VipPool.class).getSpec());
        }
        return List.of();
    }

    @Test
    void aNodeReportsIdentityIsImmutable() {
        TestObject report = TestObject.base("nodereport.yaml");
        ApiServerModel model = MODELS.get(NodeReport.class);
        assertEquals(List.of(), model.admit(report.json()), "creating a report");
        assertEquals(List.of(), model.admit(report.json(), report.json()), "updating it unchanged");
        List<ApiServerModel.Rejection> moved = model.admit(report.set("spec.nodeName", "node-b").json(), report.json());
        assertEquals(List.of(new ApiServerModel.Rejection(CEL, "spec", "Invalid value: \"object\": "
                + Messages.NODE_REPORT_IMMUTABLE)), moved);
    }
}
