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
 * their metadata and a spec marked with the field and the type it needs; validation reports exactly that. What the
 * CRD's schema refuses is refused here too: no coercion of strings, numbers, booleans, padded enums or bare strings.
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
        // what an object carries                          | the sentence its Accepted=False condition gives
        ",\"ports\":[{\"port\":\"eighty\"}]                  | spec.ports[0].port must be an integer (a JSON number without a fraction, within the field's range) (got the string \"eighty\")",
        ",\"ports\":[{\"port\":\"80\"}]                      | spec.ports[0].port must be an integer (a JSON number without a fraction, within the field's range) (got the string \"80\")",
        ",\"ports\":[{\"port\":4294967296}]                  | spec.ports[0].port must be an integer (a JSON number without a fraction, within the field's range) (got the number 4294967296)",
        ",\"scheduler\":\"wrr\"                              | spec.scheduler must be an object (got the string \"wrr\")",
        ",\"healthCheck\":{\"type\":\"TCP\",\"rise\":\"two\"} | spec.healthCheck.rise must be an integer (a JSON number without a fraction, within the field's range) (got the string \"two\")",
        ",\"forwarding\":{\"method\":1}                      | spec.forwarding.method must be one of DirectRouting, NAT, Tunnel, Local (got the number 1)",
        ",\"ports\":[{\"port\":80,\"protocol\":\"TCP \"}]     | spec.ports[0].protocol must be one of TCP, UDP, SCTP (got the string \"TCP \")",
        ",\"failover\":{\"preempt\":\"false\"}               | spec.failover.preempt must be true or false (got the string \"false\")",
        ",\"vip\":10                                         | spec.vip must be a string (got the number 10)",
    })
    void aFieldOfTheWrongTypeIsNamedWithTheTypeItNeeds(String extra, String message) throws Exception {
        VirtualService v = vs(extra);
        assertEquals("bad", v.getMetadata().getName(), "the metadata is read: the object can be reported on");
        assertEquals(message, v.getSpec().unreadable().orElseThrow());
        List<Violation> violations = VirtualServiceValidator.validate(v.getSpec());
        assertEquals(1, violations.size(), violations.toString());
        assertEquals(message, violations.getFirst().message());
        assertEquals(message.substring(0, message.indexOf(' ')), violations.getFirst().field());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "\"weight\":\"heavy\"                 | spec.weight must be an integer (a JSON number without a fraction, within the field's range) (got the string \"heavy\")",
        "\"weight\":1.5                       | spec.weight must be an integer (a JSON number without a fraction, within the field's range) (got the number 1.5)",
        "\"nodeName\":12                      | spec.nodeName must be a string (got the number 12)",
        "\"virtualServiceRef\":\"web\"        | spec.virtualServiceRef must be an object (got the string \"web\")",
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
        assertEquals("spec.scheduler must be an object (got the string \"wrr\")",
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
