package io.lvs.api.v1alpha1.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.api.v1alpha1.RealServer;
import io.lvs.api.v1alpha1.VirtualService;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Objects whose spec has a field of the wrong JSON type (as an API server that skips schemas stores them) are read with
 * their metadata and a spec marked with the field and the type it needs, in the sentence kube-apiserver gives for the
 * same object (k8s.io/kube-openapi: "... in body must be of type integer: \"string\""); validation reports exactly that.
 * What the CRD's schema refuses is refused here too: no coercion of strings, numbers, booleans, padded enums or bare
 * strings; and what it accepts is read (an integral float for an integer).
 */
class TolerantReadTest {
    private static final String VS = """
            {"apiVersion":"lvs.io/v1alpha1","kind":"VirtualService","metadata":{"name":"bad","namespace":"default"},
             "spec":{"vip":"192.0.2.10","ports":[{"port":80}],"realServerSelector":{"matchLabels":{"app":"web"}},
                     "directors":{"nodeSelector":{"matchLabels":{"lvs.io/director":"true"}}} %s}}""";

    private static VirtualService vs(String extra) throws Exception {
        return ApiObjects.MAPPER.readValue(VS.formatted(extra), VirtualService.class);
    }

    @Test
    void aWellFormedSpecIsReadAsItIs() throws Exception {
        VirtualService v = vs("");
        assertTrue(v.getSpec().unreadable().isEmpty());
        assertEquals(List.of(), VirtualServiceValidator.validate(v.getSpec()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // what an object carries                          | the sentence its Accepted=False condition gives (kube-apiserver's)
        ",\"ports\":[{\"port\":\"eighty\"}]                  | spec.ports[0].port in body must be of type integer: \"string\"",
        ",\"ports\":[{\"port\":\"80\"}]                      | spec.ports[0].port in body must be of type integer: \"string\"",
        ",\"ports\":[{\"port\":80.5}]                        | spec.ports[0].port in body must be of type integer: \"number\"",
        ",\"ports\":[{\"port\":4294967296}]                  | spec.ports[0].port in body should be less than or equal to 65535",
        ",\"ports\":[{\"port\":-4294967296}]                 | spec.ports[0].port in body should be greater than or equal to 1",
        ",\"ports\":[{\"port\":1e20}]                        | spec.ports[0].port in body must be of type integer: \"number\"",
        ",\"ports\":[{\"port\":99999999999999999999}]        | spec.ports[0].port in body must be of type integer: \"number\"",
        ",\"ports\":[{\"port\":null,\"protocol\":7}]          | spec.ports[0].protocol in body must be of type string: \"integer\"",
        ",\"ports\":{\"port\":80}                            | spec.ports in body must be of type array: \"object\"",
        ",\"scheduler\":\"wrr\"                              | spec.scheduler in body must be of type object: \"string\"",
        ",\"healthCheck\":{\"type\":\"TCP\",\"rise\":\"two\"} | spec.healthCheck.rise in body must be of type integer: \"string\"",
        ",\"forwarding\":{\"method\":1}                      | spec.forwarding.method in body must be of type string: \"integer\"",
        ",\"ports\":[{\"port\":80,\"protocol\":\"TCP \"}]     | spec.ports[0].protocol must be one of TCP, UDP, SCTP (got the string \"TCP \")",
        ",\"failover\":{\"preempt\":\"false\"}               | spec.failover.preempt in body must be of type boolean: \"string\"",
        ",\"vip\":10                                         | spec.vip in body must be of type string: \"integer\"",
        ",\"realServerSelector\":{\"matchLabels\":{\"app\":1}} | spec.realServerSelector.matchLabels.app in body must be of type string: \"integer\"",
    })
    void aFieldOfTheWrongTypeIsNamedWithTheTypeItNeeds(String extra, String message) throws Exception {
        VirtualService v = vs(extra);
        assertEquals("bad", v.getMetadata().getName(), "the metadata is read: the object can be reported on");
        assertEquals(message, v.getSpec().unreadable().orElseThrow());
        List<Violation> violations = VirtualServiceValidator.validate(v.getSpec());
        assertEquals(1, violations.size(), violations.toString());
        assertEquals(message, violations.getFirst().message());
        assertEquals(message.substring(0, message.indexOf(' ')), violations.getFirst().field());
        assertEquals(message, violations.getFirst().toString(), "a condition names the field once");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "\"weight\":\"heavy\"                 | spec.weight in body must be of type integer: \"string\"",
        "\"weight\":1.5                       | spec.weight in body must be of type integer: \"number\"",
        "\"nodeName\":12                      | spec.nodeName in body must be of type string: \"integer\"",
        "\"virtualServiceRef\":\"web\"        | spec.virtualServiceRef in body must be of type object: \"string\"",
        "\"connectionLimits\":{\"upper\":4294967296}   | spec.connectionLimits.upper in body should be less than or equal to 2147483647",
        // a float is compared as a Go float64, and the bound printed as Go's %v prints one
        "\"connectionLimits\":{\"upper\":4294967296.0} | spec.connectionLimits.upper in body should be less than or equal to 2.147483647e+09",
    })
    void realServersAreReadTheSameWay(String field, String message) throws Exception {
        RealServer r = ApiObjects.MAPPER.readValue("""
                {"apiVersion":"lvs.io/v1alpha1","kind":"RealServer","metadata":{"name":"rs","namespace":"default"},
                 "spec":{"address":"192.0.2.21",%s}}""".formatted(field), RealServer.class);
        assertEquals("rs", r.getMetadata().getName());
        assertEquals(message, r.getSpec().unreadable().orElseThrow());
        assertEquals(message, RealServerValidator.validate(r.getSpec()).getFirst().message());
    }

    @Test
    void anIntegralFloatIsAnIntegerAsTheApiServerReadsIt() throws Exception {
        // kube-openapi's type check takes 80.0 for an integer (and kubectl sends it so from YAML's 80.0)
        VirtualService v = vs(",\"ports\":[{\"port\":80.0}],\"healthCheck\":{\"rise\":2e0}");
        assertTrue(v.getSpec().unreadable().isEmpty(), v.getSpec().unreadable().toString());
        assertEquals(80, v.getSpec().getPorts().getFirst().getPort());
        assertEquals(2, v.getSpec().getHealthCheck().getRise());
        assertEquals(List.of(), VirtualServiceValidator.validate(v.getSpec()));
    }

    @Test
    void nullsAreAbsentFieldsAsTheApiServerPrunesThem() throws Exception {
        VirtualService v = vs(",\"persistence\":null,\"failover\":{\"preempt\":null}");
        assertTrue(v.getSpec().unreadable().isEmpty(), v.getSpec().unreadable().toString());
    }

    @Test
    void boundsArePrintedAsGoPrintsAFloat64() {
        assertEquals("65535", SchemaTypes.GoFloat.format(65535));
        assertEquals("2.147483647e+09", SchemaTypes.GoFloat.format(2147483647d));
        assertEquals("1e+06", SchemaTypes.GoFloat.format(1_000_000d));
        assertEquals("999999", SchemaTypes.GoFloat.format(999_999d));
        assertEquals("0.0001", SchemaTypes.GoFloat.format(0.0001));
        assertEquals("1e-05", SchemaTypes.GoFloat.format(0.00001));
        assertEquals("-1.5", SchemaTypes.GoFloat.format(-1.5));
        assertEquals("0", SchemaTypes.GoFloat.format(0));
    }

    @Test
    void anUnreadableSpecIsWrittenBackAsItWasStoredSoACopyIsMarkedAgain() throws Exception {
        VirtualService v = vs(",\"scheduler\":\"wrr\"");
        String written = ApiObjects.MAPPER.writeValueAsString(v);
        assertTrue(written.contains("\"scheduler\":\"wrr\""), written);
        VirtualService copy = ApiObjects.MAPPER.readValue(written, VirtualService.class);
        assertEquals(v.getSpec().unreadable(), copy.getSpec().unreadable());
    }

    @Test
    void inAListTheFieldIsNamedWithinItsObject() throws Exception {
        java.util.Map<String, List<VirtualService>> list = ApiObjects.MAPPER.readValue("{\"items\":[" + VS.formatted("")
                + "," + VS.formatted(",\"scheduler\":\"wrr\"") + "]}",
                new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, List<VirtualService>>>() { });
        assertEquals("spec.scheduler in body must be of type object: \"string\"",
                list.get("items").get(1).getSpec().unreadable().orElseThrow());
        assertTrue(list.get("items").get(0).getSpec().unreadable().isEmpty());
    }

    @Test
    void theAcceptedCopyInTheStatusIsReadTheSameWayAndNamedWhereItIs() throws Exception {
        VirtualService v = ApiObjects.MAPPER.readValue("""
                {"apiVersion":"lvs.io/v1alpha1","kind":"VirtualService","metadata":{"name":"x"},
                 "spec":{"vip":"192.0.2.10"},"status":{"acceptedSpec":{"vip":"192.0.2.10","ports":[{"port":"80"}]}}}""",
                VirtualService.class);
        assertTrue(v.getSpec().unreadable().isEmpty());
        assertTrue(v.getStatus().getAcceptedSpec().unreadable().orElseThrow().startsWith("status.acceptedSpec.ports[0].port "),
                v.getStatus().getAcceptedSpec().unreadable().get());
    }
}
