package com.gds.alerting.collectors.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IntervalRatiosTest {

    @Test
    void theRatioIsOverTheLastIntervalNotTheLifetime() {
        IntervalRatios r = new IntervalRatios();
        assertTrue(r.ratio("db", 9_000, 1_000).isEmpty(), "first cycle: no previous counters");
        // A burst: 730 hits, 270 reads since the last cycle; the lifetime ratio would still say 0.88.
        assertEquals(0.73, r.ratio("db", 9_730, 1_270).getAsDouble(), 1e-12);
    }

    @Test
    void noBlockAccessedOrACounterResetGivesNoRatio() {
        IntervalRatios r = new IntervalRatios();
        r.ratio("db", 100, 10);
        assertTrue(r.ratio("db", 100, 10).isEmpty(), "nothing accessed: no ratio rather than 0 or 1");
        assertTrue(r.ratio("db", 5, 1).isEmpty(), "counters went back (stats reset): no ratio");
        assertEquals(0.5, r.ratio("db", 6, 2).getAsDouble(), 1e-12, "measured again from the reset counters");
    }
}
