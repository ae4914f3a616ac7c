package com.gds.alerting.topologies.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.Comparison;

/** The forecast's window and crossing arithmetic. */
class TrendWindowTest {

    @Test
    void predictsTheCrossingOfAStraightLineExactly() {
        TrendWindow w = TrendWindow.empty();
        for (int s = 0; s <= 600; s += 15) {
            w.add(s * 1000L, 1000 - 2.0 * s, 3_600_000L); // 2 units/s down from 1000: 0 at 500 s
        }
        TrendWindow.Prediction p = w.predict(0, Comparison.LTE);
        assertEquals(-2.0, p.slopePerSecond(), 1e-9);
        assertEquals(1000 - 2.0 * 600, p.valueNow(), 1e-9);
        assertEquals(0.0, p.secondsToCross(), "already below the limit at 600 s");
        TrendWindow.Prediction up = w.predict(0, Comparison.GTE);
        assertEquals(Double.POSITIVE_INFINITY, up.secondsToCross(), "going up to 0 from -200 while the line falls: never");
    }

    @Test
    void aLineHeadingAwayNeverCrossesAndOneHeadingThereDoesAtTheRightTime() {
        TrendWindow w = TrendWindow.empty();
        for (int s = 0; s <= 100; s += 10) {
            w.add(s * 1000L, 10 + s, 3_600_000L);
        }
        assertEquals(Double.POSITIVE_INFINITY, w.predict(0, Comparison.LT).secondsToCross());
        assertNull(w.predict(0, Comparison.LT).crossingAt());
        TrendWindow.Prediction p = w.predict(210, Comparison.GT);
        assertEquals(100.0, p.secondsToCross(), 1e-9);
        assertEquals(200_000L, p.crossingAt());
    }

    @Test
    void keepsOnlyTheWindowAndRoundTrips() {
        TrendWindow w = TrendWindow.empty();
        for (int s = 0; s < 100; s++) {
            w.add(s * 1000L, s, 10_000L);
        }
        assertEquals(11, w.size(), "samples at or after t - 10 s: 89..99");
        assertArrayEquals(w.encode(), TrendWindow.decode(w.encode()).encode());
        assertEquals(1 + 4 + 1 + 11 * 16, w.encode().length);
    }

    @Test
    void aWindowOfMoreThanTheMaximumDropsTheOldestAndSaysSo() {
        TrendWindow w = TrendWindow.empty();
        for (int s = 0; s < TrendWindow.MAX_SAMPLES + 10; s++) {
            w.add(s * 1000L, s, 86_400_000L);
        }
        assertEquals(TrendWindow.MAX_SAMPLES, w.size());
        assertTrue(w.predict(1e9, Comparison.GT).truncated());
    }
}
