package com.gds.alerting.collectors.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

class CounterDeltasTest {

    @Test
    void theGrowthSinceThePreviousCycleNothingOnTheFirstOrAfterAReset() {
        CounterDeltas d = new CounterDeltas();
        assertTrue(d.delta("wal", 1000).isEmpty(), "first cycle: nothing to compare with");
        assertEquals(OptionalDouble.of(500), d.delta("wal", 1500));
        assertEquals(OptionalDouble.of(0), d.delta("wal", 1500), "no growth is 0, not nothing");
        assertTrue(d.delta("wal", 10).isEmpty(), "went down: a reset, no negative growth");
        assertEquals(OptionalDouble.of(5), d.delta("wal", 15), "measured from the value after the reset");
    }

    @Test
    void anUnreadValueForgetsTheCounterAndKeysAreIndependent() {
        CounterDeltas d = new CounterDeltas();
        d.delta("a", 1);
        d.delta("b", 100);
        assertTrue(d.delta("a", Double.NaN).isEmpty());
        assertTrue(d.delta("a", 5).isEmpty(), "a gap: the next value starts again");
        assertEquals(OptionalDouble.of(1), d.delta("b", 101));
    }
}
