package io.lvs.e2e.apiserver.jsonpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Values printed and compared exactly as Go prints and compares them. */
class GoValuesTest {

    @ParameterizedTest(name = "fmt prints {0} as {1}")
    @CsvSource({
        "1.5, 1.5",
        "100000, 100000",
        "123456, 123456",
        "1000000, 1e+06",
        "1234567, 1.234567e+06",
        "0.0001, 0.0001",
        "0.00001, 1e-05",
        "-2.5, -2.5",
        "0, 0",
        "1e21, 1e+21",
        "0.1, 0.1",
    })
    void floatsPrintLikeFmtV(double value, String expected) {
        assertEquals(expected, GoValues.formatFloat(value));
    }

    @ParameterizedTest(name = "encoding/json writes {0} as {1}")
    @CsvSource({
        "1e20, 100000000000000000000",
        "1e21, 1e+21",
        "1e-7, 1e-7",
        "0.000001, 0.000001",
        "2.5, 2.5",
    })
    void floatsInsideJsonPrintLikeEncodingJson(double value, String expected) {
        assertEquals(expected, GoValues.jsonFloat(value));
    }

    @Test
    void comparisonsNeedTheSameKind() {
        assertTrue(GoValues.compare(LongNode.valueOf(2), "==", LongNode.valueOf(2)));
        assertTrue(GoValues.compare(TextNode.valueOf("a"), "<", TextNode.valueOf("b")));
        assertTrue(GoValues.compare(DoubleNode.valueOf(2.5), ">=", DoubleNode.valueOf(2.5)));
        assertFalse(GoValues.compare(BooleanNode.TRUE, "!=", BooleanNode.TRUE));
        assertThrows(JsonPathException.class, () -> GoValues.compare(LongNode.valueOf(2), "==", DoubleNode.valueOf(2)));
        assertThrows(JsonPathException.class, () -> GoValues.compare(TextNode.valueOf("2"), "==", LongNode.valueOf(2)));
        assertThrows(JsonPathException.class, () -> GoValues.compare(BooleanNode.TRUE, "<", BooleanNode.FALSE));
    }
}
