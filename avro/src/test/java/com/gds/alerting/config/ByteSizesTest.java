package com.gds.alerting.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

    @Test
    void unitsArePowersOf1024() {
        assertEquals(512, ByteSizes.parse("512"));
        assertEquals(512, ByteSizes.parse("512B"));
        assertEquals(3L << 10, ByteSizes.parse("3KiB"));
        assertEquals(256L << 20, ByteSizes.parse("256 MiB"));
        assertEquals(2L << 30, ByteSizes.parse("2GiB"));
    }

    @Test
    void anythingElseIsRefusedNamingTheValue() {
        for (String bad : new String[] {"", "MiB", "1.5GiB", "256MB", "-1", "1TiB"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("9999999999GiB"));
        assertTrue(big.getMessage().contains("too large"), big.getMessage());
    }

    @Test
    void formatsWithTheLargestExactUnit() {
        assertEquals("256MiB", ByteSizes.format(256L << 20));
        assertEquals("1536KiB", ByteSizes.format(1536L << 10));
        assertEquals("1000B", ByteSizes.format(1000));
        assertEquals("0B", ByteSizes.format(0));
    }
}
