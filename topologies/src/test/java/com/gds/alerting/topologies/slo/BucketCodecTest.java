package com.gds.alerting.topologies.slo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BucketCodecTest {

    @Test
    void wholeNumbersTakeAVarintAndEverythingElseRoundTripsExactly() {
        double[] values = {0, 1, 63, 64, 7_200, 1e12, 0.5, 1e300, 0x1p62, 3_000_000_000.0};
        assertArrayEquals(values, BucketCodec.decode(BucketCodec.encode(values), values.length));
        assertEquals(1, BucketCodec.encode(new double[] {63}).remaining(), "63 -> varint of 126: one byte");
        assertEquals(9, BucketCodec.encode(new double[] {0.5}).remaining(), "a fraction: marker + 8-byte double");
        assertEquals(50, BucketCodec.encode(new double[50]).remaining(), "an empty ring: one byte per number");
    }
}
