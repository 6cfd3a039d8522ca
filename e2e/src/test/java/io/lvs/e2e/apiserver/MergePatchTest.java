package io.lvs.e2e.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** JSON merge patch as RFC 7386 defines it (its appendix A examples), not as the mock store does it. */
class MergePatchTest {

    @ParameterizedTest(name = "{0} patched with {1} is {2}")
    @CsvSource(delimiter = '|', value = {
        "{\"a\":\"b\"}                    | {\"a\":\"c\"}                    | {\"a\":\"c\"}",
        "{\"a\":\"b\"}                    | {\"b\":\"c\"}                    | {\"a\":\"b\",\"b\":\"c\"}",
        "{\"a\":\"b\"}                    | {\"a\":null}                    | {}",
        "{\"a\":\"b\",\"b\":\"c\"}         | {\"a\":null}                    | {\"b\":\"c\"}",
        "{\"a\":[\"b\"]}                  | {\"a\":\"c\"}                    | {\"a\":\"c\"}",
        "{\"a\":\"c\"}                    | {\"a\":[\"b\"]}                  | {\"a\":[\"b\"]}",
        "{\"a\":{\"b\":\"c\"}}            | {\"a\":{\"b\":\"d\",\"c\":null}} | {\"a\":{\"b\":\"d\"}}",
        "{\"a\":[{\"b\":\"c\"}]}          | {\"a\":[1]}                     | {\"a\":[1]}",
        "[\"a\",\"b\"]                    | [\"c\",\"d\"]                   | [\"c\",\"d\"]",
        "{\"a\":\"b\"}                    | [\"c\"]                         | [\"c\"]",
        "{\"a\":\"foo\"}                  | null                            | null",
        "{\"a\":\"foo\"}                  | \"bar\"                         | \"bar\"",
        "{\"e\":null}                     | {\"a\":1}                       | {\"e\":null,\"a\":1}",
        "[1,2]                            | {\"a\":\"b\",\"c\":null}         | {\"a\":\"b\"}",
        "{}                               | {\"a\":{\"bb\":{\"ccc\":null}}}  | {\"a\":{\"bb\":{}}}",
        "{\"spec\":{\"backends\":[\"x\",\"y\"]}} | {\"spec\":{\"backends\":[\"z\"]}} | {\"spec\":{\"backends\":[\"z\"]}}",
    })
    void mergesAsTheRfcSays(String target, String patch, String expected) {
        assertEquals(Json.parse(expected).orElseThrow(),
                MergePatch.apply(Json.parse(target).orElseThrow(), Json.parse(patch).orElseThrow()));
    }
}
