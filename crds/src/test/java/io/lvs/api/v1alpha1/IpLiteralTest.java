package io.lvs.api.v1alpha1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Address literals as the API accepts them (Kubernetes' isIP()), and everything it refuses. */
class IpLiteralTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "192.0.2.10      | 192.0.2.10",
            "0.0.0.0         | 0.0.0.0",
            "255.255.255.255 | 255.255.255.255",
            "10.0.0.100      | 10.0.0.100",
            "2001:db8::1     | 2001:db8:0:0:0:0:0:1",
            "2001:DB8::A     | 2001:db8:0:0:0:0:0:a",
            "::1             | 0:0:0:0:0:0:0:1",
            "::              | 0:0:0:0:0:0:0:0",
            "64:ff9b::192.0.2.1 | 64:ff9b:0:0:0:0:c000:201",
    })
    void acceptsLiterals(String text, String address) {
        assertEquals(Optional.of(address), IpLiteral.parse(text).map(InetAddress::getHostAddress));
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "\"\"", "192.0.2", "192.0.2.10.1", "192.0.2.010", "01.2.3.4", "192.0.2.256", "192.0.2.1000", "192..2.1",
            ".192.0.2.1", "192.0.2.1.", "192.0.2.-1", "192.0.2.+1", "1e1.0.0.1", "example.com", "localhost",
            "\" 192.0.2.1\"", "\"192.0.2.1 \"", "１９２.０.２.１", "::ffff:192.0.2.10", "fe80::1%eth0", "[2001:db8::1]",
            "2001:db8::g", "1::2::3", "2001:db8:0:0:0:0:0:0:1", ":",
    })
    void refusesEverythingElse(String text) {
        assertEquals(Optional.empty(), IpLiteral.parse(text));
    }
}
