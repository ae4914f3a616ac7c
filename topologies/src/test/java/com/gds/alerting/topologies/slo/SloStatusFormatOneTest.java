package com.gds.alerting.topologies.slo;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.internal.SloStatus;
import com.gds.alerting.avro.internal.SloWindow;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.AlertingFixture;
import com.gds.alerting.topologies.AlertingTopology;
import com.gds.alerting.topologies.TestRules;
import com.gds.alerting.topologies.serde.StoreSerde;

/**
 * SLO states written before RATIO instants were paired (store format 1: no held counter, and the two
 * counters possibly at different instants, the newer one counted alone) read back and carry on
 * without losing or double-counting an event.
 */
class SloStatusFormatOneTest {

    private static final String TOTAL = "requests_total";
    private static final String BAD = "requests_failed_total";
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();
    private static final long PERIOD_MS = Duration.ofDays(7).toMillis();

    private static Schema formatOne() throws IOException {
        try (InputStream in = StoreSerde.class.getResourceAsStream("SloStatus.format1.avsc")) {
            return new Schema.Parser().parse(in);
        }
    }

    private static byte[] written(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** A window whose whole history sits in the bucket of {@code at}: {@code bad} bad of {@code events}. */
    private static GenericRecord window(Schema windowSchema, long windowMs, long at, double bad, double events) {
        long head = Math.floorDiv(at, windowMs / SloTracker.BUCKETS);
        double[] ring = new double[(SloTracker.BUCKETS + 1) * 2];
        int slot = (int) Math.floorMod(head, (long) SloTracker.BUCKETS + 1) * 2;
        ring[slot] = bad;
        ring[slot + 1] = events;
        GenericRecord w = new GenericData.Record(windowSchema);
        w.put("window_ms", windowMs);
        w.put("events", events);
        w.put("bad_events", bad);
        w.put("sli", 1 - bad / events);
        w.put("burn_rate", bad / events / 0.01);
        w.put("covered_ms", 75_000L);
        w.put("head", head);
        w.put("buckets", BucketCodec.encode(ring));
        return w;
    }

    /**
     * The previous release, bad counter first: collections at T0..T4 (1,000 requests each after the
     * T0 baseline), then the failed counter of T5 (7) counted alone; the total of T5 not yet in.
     */
    private static byte[] halfUpdatedState() throws IOException {
        Schema v1 = formatOne();
        Schema windowSchema = v1.getField("windows").schema().getElementType();
        long t4 = T0.plusSeconds(60).toEpochMilli();
        long t5 = T0.plusSeconds(75).toEpochMilli();
        GenericRecord old = new GenericData.Record(v1);
        old.put("rule_id", "api-slo");
        old.put("instance_id", "api-db-01");
        old.put("objective", 0.99);
        old.put("period_ms", PERIOD_MS);
        old.put("first_sample_at", T0.toEpochMilli());
        old.put("updated_at", t5);
        old.put("windows", List.of(window(windowSchema, HOUR_MS, t5, 7, 4_000), window(windowSchema, PERIOD_MS, t5, 7, 4_000)));
        old.put("error_budget_remaining", 1 - 7 / 4_000.0 / 0.01);
        old.put("counter_a", 7.0);
        old.put("counter_a_at", t5);
        old.put("counter_total", 5_000.0);
        old.put("counter_total_at", t4);
        return written(v1, old);
    }

    @Test
    void formatOneReadsWithNothingHeld() throws IOException {
        StoreSerde<SloStatus> serde = StoreSerde.of(SloStatus.class);
        assertEquals(2, serde.format(), "SloStatus gained the held counter: format 2");
        SloStatus read = serde.decode(halfUpdatedState());
        assertEquals(T0.plusSeconds(75).toEpochMilli(), read.getUpdatedAt());
        assertEquals(7.0, read.getCounterA());
        assertEquals(5_000.0, read.getCounterTotal());
        assertNull(read.getHeldAt());
        assertNull(read.getHeldTotal());
        assertNull(read.getHeldCounterA());
        assertEquals(0, read.getIncompleteInstants());
        assertEquals(4_000, read.getWindows().get(1).getEvents(), 1e-9);
    }

    @Test
    void aHalfUpdatedInstantOfFormatOneIsCompletedByItsPartnerWithoutCountingAnythingTwice() throws IOException {
        try (AlertingFixture fx = new AlertingFixture(T0.plus(Duration.ofMinutes(5)))) {
            fx.rule(TestRules.ratioSlo("api-slo", TOTAL, BAD, 0.99, Duration.ofDays(7),
                    List.of(TestRules.burn(com.gds.alerting.avro.Severity.CRITICAL, Duration.ofHours(1),
                            Duration.ofMinutes(5), 14.4)), 0).build());
            KeyValueStore<String, SloStatus> store = fx.store(AlertingTopology.Names.SLO_STORE);
            store.put("api-slo:api-db-01", StoreSerde.of(SloStatus.class).decode(halfUpdatedState()));

            fx.sample("api-db-01", TOTAL, 6_000, T0.plusSeconds(75)); // the partner of the failed counter counted alone
            fx.sample("api-db-01", BAD, 7, T0.plusSeconds(90));
            fx.sample("api-db-01", TOTAL, 7_000, T0.plusSeconds(90));

            assertEquals(0, fx.alerting().counters().get(Counter.SAMPLES_LATE), "the T5 total completes T5, it is not late");
            SloStatus st = fx.slo("api-slo", "api-db-01");
            SloWindow period = st.getWindows().stream().filter(w -> w.getWindowMs() == PERIOD_MS).findFirst().orElseThrow();
            assertEquals(6_000, period.getEvents(), 1e-9, "4,000 before, + 1,000 at T5 + 1,000 at T6");
            assertEquals(7, period.getBadEvents(), 1e-9, "the 7 failed requests of T5 counted once");
            assertEquals(T0.plusSeconds(90).toEpochMilli(), st.getUpdatedAt());
            assertEquals(st.getCounterTotalAt(), st.getCounterAAt(), "paired from now on");
            List<AlertEvent> events = fx.events();
            assertEquals(List.of(), events, "7 / 6,000 = burn 0.12 at a 99% objective: nothing fires");
        }
    }
}
