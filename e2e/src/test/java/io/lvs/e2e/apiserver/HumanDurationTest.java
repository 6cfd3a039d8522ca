package io.lvs.e2e.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** AGE cells read as on a real cluster. */
class HumanDurationTest {

    @ParameterizedTest(name = "{0} reads {1}")
    @CsvSource({
        "PT0S, 0s",
        "PT119S, 119s",
        "PT120S, 2m",
        "PT125S, 2m5s",
        "PT9M59S, 9m59s",
        "PT10M30S, 10m",
        "PT2H59M, 179m",
        "PT3H, 3h",
        "PT3H5M, 3h5m",
        "PT8H20M, 8h",
        "PT47H59M, 47h",
        "PT48H, 2d",
        "PT50H, 2d2h",
        "PT192H, 8d",
        "P729D, 729d",
        "P730D, 2y",
        "P733D, 2y3d",
        "P2920D, 8y",
        "PT-1.5S, 0s",
        "PT-2S, <invalid>",
    })
    void agesReadLikeKubectl(Duration elapsed, String expected) {
        assertEquals(expected, HumanDuration.of(elapsed));
    }
}
