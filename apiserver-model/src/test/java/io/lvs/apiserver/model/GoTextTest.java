package io.lvs.apiserver.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Values as Go's fmt prints them in kube-apiserver's messages. */
class GoTextTest {

    @ParameterizedTest
    @CsvSource({"65535, 65535", "1.5, 1.5", "1000000, 1e+06", "123456, 123456", "1234567, 1.234567e+06",
            "0.0001, 0.0001", "0.00001, 1e-05", "-2.5, -2.5", "0.1, 0.1", "1e21, 1e+21"})
    void float64LikeStrconvG(double value, String printed) {
        assertEquals(printed, GoText.float64(value));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"abc|\"abc\"", "a\"b|\"a\\\"b\"", "tab\there|\"tab\\there\"",
            "１９２|\"１９２\"", "back\\slash|\"back\\\\slash\""})
    void stringsLikeStrconvQuote(String value, String printed) {
        assertEquals(printed, GoText.quote(value));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"80|80", "80.5|80.5", "true|true", "\"x\"|\"x\"", "null|\"null\"",
            "9223372036854775808|9.223372036854776e+18", "{\"b\":[1,\"x\"],\"a\":true}|"
            + "map[string]interface {}{\"a\":true, \"b\":[]interface {}{1, \"x\"}}"})
    void badValuesAsFieldErrorsPrintThem(String json, String printed) throws Exception {
        assertEquals(printed, GoText.value(new ObjectMapper().readTree(json)));
    }
}
