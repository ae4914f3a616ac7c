package com.gds.alerting.topologies;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Issue 24, item 8: time arithmetic saturates instead of wrapping to a timer that fires at once. */
class TimeMathTest {

    @Test
    void addsLikePlusWithinRange() {
        assertEquals(1_700_000_060_000L, TimeMath.plus(1_700_000_000_000L, 60_000L));
        assertEquals(-5, TimeMath.plus(5, -10));
    }

    @Test
    void saturatesInsteadOfWrapping() {
        long now = 1_765_000_000_000L;
        long hugeRepeat = 106_751_991_167L * 86_400_000L;
        assertEquals(Long.MAX_VALUE, TimeMath.plus(now, hugeRepeat), "now + 106751991167d is 'never', not the past");
        assertEquals(Long.MAX_VALUE, TimeMath.plus(Long.MAX_VALUE, 1));
        assertEquals(Long.MIN_VALUE, TimeMath.plus(Long.MIN_VALUE, -1));
    }
}
