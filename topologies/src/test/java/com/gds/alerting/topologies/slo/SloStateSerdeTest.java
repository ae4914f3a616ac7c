package com.gds.alerting.topologies.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.internal.SloStatus;
import com.gds.alerting.avro.internal.SloWindow;
import com.gds.alerting.topologies.TestRules;
import com.gds.alerting.topologies.serde.StoreSerde;

class SloStateSerdeTest {

    static {
        TestRules.class.getName(); // installs the Avro class trust
    }

    private final SloStateSerde serde = new SloStateSerde();

    private static SloWindow window(long ms, double events, double bad, Double sli, Double burn, long head, double... ring) {
        double[] values = Arrays.copyOf(ring, (SloTracker.BUCKETS + 1) * 2);
        return new SloWindow(ms, events, bad, sli, burn, 12_345L, head, BucketCodec.encode(values));
    }

    private static SloStatus ratioHeld() {
        List<SloWindow> windows = new ArrayList<>();
        windows.add(window(300_000, 4_000, 7, 1 - 7 / 4_000.0, 7 / 4_000.0 / 0.001, 1_000_000, 7, 4_000, 0.5, 1e18));
        windows.add(window(3_600_000, 123.456, 0.75, 0.99, 10.0, -3, -1, 2.5e-3));
        windows.add(window(2_592_000_000L, 0, 0, null, null, 0));
        windows.add(window(21_600_000, -0.0, Double.NaN, Double.NaN, Double.POSITIVE_INFINITY, Long.MAX_VALUE, Double.MAX_VALUE));
        return new SloStatus("api-slo", "api-db-01 ü/:x", 0.999, 2_592_000_000L, 1_765_000_000_000L, 1_765_000_075_000L, windows,
                -2.5, 7.0, 1_765_000_060_000L, 5_000.0, 1_765_000_060_000L, 1_765_000_075_000L, null, 9.0, 3L);
    }

    private static SloStatus thresholdFresh() {
        return new SloStatus("t", "i", 0.99, 60_000L, 0L, 0L, List.of(window(60_000, 1, 0, 1.0, 0.0, 0, 0, 1)),
                null, null, null, null, null, null, null, null, 0L);
    }

    @Test
    void aStateReadsBackAsItWasWrittenEveryFieldNullOrNot() {
        for (SloStatus s : List.of(ratioHeld(), thresholdFresh())) {
            byte[] bytes = serde.encode(s);
            assertEquals(SloStateSerde.COMPACT_1, bytes[0]);
            SloStatus read = serde.decode(bytes);
            assertEquals(s.toString(), read.toString());
            for (int i = 0; i < s.getWindows().size(); i++) {
                assertEquals(Double.doubleToRawLongBits(s.getWindows().get(i).getEvents()),
                        Double.doubleToRawLongBits(read.getWindows().get(i).getEvents()), "exact, -0.0 included");
                ByteBuffer ring = read.getWindows().get(i).getBuckets();
                assertEquals(Arrays.toString(BucketCodec.decode(s.getWindows().get(i).getBuckets(), 50)),
                        Arrays.toString(BucketCodec.decode(ring, 50)));
            }
            assertTrue(Arrays.equals(bytes, serde.encode(read)), "re-encoding what was read gives the same bytes");
        }
    }

    @Test
    void theCompactLayoutIsSmallerThanTheAvroFormat() {
        SloStatus s = ratioHeld();
        assertTrue(serde.encode(s).length <= StoreSerde.of(SloStatus.class).encode(s).length,
                serde.encode(s).length + " compact against " + StoreSerde.of(SloStatus.class).encode(s).length + " Avro");
    }

    @Test
    void statesOfTheAvroFormatsOfEarlierReleasesStillRead() {
        StoreSerde<SloStatus> avro = StoreSerde.of(SloStatus.class);
        for (SloStatus s : List.of(ratioHeld(), thresholdFresh())) {
            SloStatus read = serde.decode(avro.encode(s));
            assertEquals(s.toString(), read.toString());
        }
    }

    @Test
    void aDamagedStateSaysSoInsteadOfReadingAsSomethingElse() {
        byte[] bytes = serde.encode(ratioHeld());
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 5);
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        for (byte[] bad : List.of(cut, longer)) {
            SerializationException e = assertThrows(SerializationException.class, () -> serde.decode(bad));
            assertTrue(e.getMessage().contains("slo-state value (compact layout 1"), e.getMessage());
        }
    }
}
