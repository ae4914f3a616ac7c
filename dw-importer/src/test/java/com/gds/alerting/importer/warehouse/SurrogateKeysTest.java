package com.gds.alerting.importer.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SurrogateKeysTest {

    @Test
    void keysArePinnedBecauseEveryInstanceAndReleaseMustComputeTheSame() {
        // First 8 bytes of sha256("instance:pg-prod-01") = f569743664671f97, sign bit cleared.
        assertEquals(0x7569743664671f97L, SurrogateKeys.instance("pg-prod-01"));
        assertEquals(0x30e40164dcd50481L, SurrogateKeys.metric("up"));
    }

    @Test
    void instanceAndMetricKeysOfTheSameTextDiffer() {
        assertNotEquals(SurrogateKeys.instance("up"), SurrogateKeys.metric("up"));
    }

    @Test
    void keysAreNonNegative() {
        for (int i = 0; i < 1000; i++) {
            assertTrue(SurrogateKeys.instance("i-" + i) >= 0);
        }
    }
}
