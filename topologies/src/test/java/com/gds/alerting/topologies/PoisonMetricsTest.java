package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.AlertingFixture.header;
import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.contract.DeadLetterHeaders;
import com.gds.alerting.contract.MetricLimits;
import com.gds.alerting.topologies.intake.DeadLetter;

/**
 * Issue 24, items 1-3 and 10: one record must never stop evaluation. Each poison metric is
 * dead-lettered with its reason, and the good sample after it still fires.
 */
class PoisonMetricsTest {

    private static final String INSTANCE = "pg-prod-01";
    private AlertingFixture fx;

    @BeforeEach
    void setUp() {
        fx = new AlertingFixture();
        fx.rule(threshold("conn", "connections_used_ratio", List.of(above(Severity.CRITICAL, 90))).build());
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    static Metric.Builder metric(String instance, Instant at) {
        return Metric.newBuilder().setTimestamp(at).setDatabaseType("postgresql").setInstanceId(instance)
                .setMetricName("connections_used_ratio").setValue(95).setTags(Map.of("environment", "prod"))
                .setMetadata(new MetricMetadata(1L, "t", "c"));
    }

    static Stream<Arguments> poisonMetrics() {
        Map<String, String> manyTags = new HashMap<>();
        for (int i = 0; i <= MetricLimits.MAX_TAGS; i++) {
            manyTags.put("t" + i, "v");
        }
        return Stream.of(
                Arguments.of("before 1970 (Kafka refuses negative timestamps)", "TIMESTAMP_OUT_OF_RANGE",
                        metric(INSTANCE, Instant.parse("1969-12-31T23:59:59Z")).build(), INSTANCE),
                Arguments.of("the epoch itself is before the accepted range", "TIMESTAMP_OUT_OF_RANGE",
                        metric(INSTANCE, Instant.parse("1970-01-01T00:00:00Z")).build(), INSTANCE),
                Arguments.of("year 292,278,994", "FUTURE_TIMESTAMP",
                        metric(INSTANCE, Instant.ofEpochMilli(Long.MAX_VALUE)).build(), INSTANCE),
                Arguments.of("a 1.5 MB tag would make the alert event too large to write", "FIELD_TOO_LONG",
                        metric(INSTANCE, T0).setTags(Map.of("environment", "prod", "big", "x".repeat(1_500_000))).build(),
                        INSTANCE),
                Arguments.of("more tags than allowed", "TOO_MANY_TAGS", metric(INSTANCE, T0).setTags(manyTags).build(), INSTANCE),
                Arguments.of("a metric name over its limit", "FIELD_TOO_LONG",
                        metric(INSTANCE, T0).setMetricName("m".repeat(MetricLimits.MAX_NAME_CHARS + 1)).build(), INSTANCE),
                Arguments.of("an instance id over its limit", "FIELD_TOO_LONG",
                        metric("i".repeat(MetricLimits.MAX_INSTANCE_ID_CHARS + 1), T0).build(),
                        "i".repeat(MetricLimits.MAX_INSTANCE_ID_CHARS + 1)),
                Arguments.of("an empty instance id cannot be addressed as an alert key (item 10)", "EMPTY_INSTANCE_ID",
                        metric("", T0).build(), ""),
                Arguments.of("NaN", "NON_FINITE_VALUE", metric(INSTANCE, T0).setValue(Double.NaN).build(), INSTANCE),
                Arguments.of("-Infinity", "NON_FINITE_VALUE",
                        metric(INSTANCE, T0).setValue(Double.NEGATIVE_INFINITY).build(), INSTANCE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poisonMetrics")
    void aMetricOutsideTheLimitsIsDeadLetteredAndTheNextIsEvaluated(String why, String reason, Metric poison, String key) {
        fx.raw(AlertingFixture.METRICS_TOPIC, key, fx.encode(AlertingFixture.METRICS_TOPIC, poison));
        fx.sample(INSTANCE, "connections_used_ratio", 95, T0);

        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters(fx.topics().dlqMetrics());
        assertEquals(1, dead.size(), why);
        assertEquals(reason, header(dead.get(0), DeadLetter.REASON), why + ": " + header(dead.get(0), DeadLetter.ERROR));
        assertEquals(List.of(Transition.FIRED), fx.events().stream().map(AlertEvent::getTransition).toList(),
                "the good sample after it fires");
    }

    @Test
    void aMetricAtTheEarliestAcceptedTimeIsEvaluated() {
        AlertingFixture early = new AlertingFixture(MetricLimits.EARLIEST);
        try {
            early.rule(threshold("conn", "connections_used_ratio", List.of(above(Severity.CRITICAL, 90))).build());
            early.sample(INSTANCE, "connections_used_ratio", 95, MetricLimits.EARLIEST);
            assertTrue(early.deadLetters(early.topics().dlqMetrics()).isEmpty());
            assertEquals(1, early.events().size());
        } finally {
            early.close();
        }
    }

    @Test
    void aStringLengthOf2GiBIsAPoisonRecordNotAnAllocation() {
        byte[] valid = fx.encode(AlertingFixture.METRICS_TOPIC, metric(INSTANCE, T0).build());
        int schemaId = ByteBuffer.wrap(valid, 1, 4).getInt();
        // Magic 0, the Metric schema id, then a timestamp of 1 and a string length of 2^31 (zig-zag varint).
        byte[] hostile = ByteBuffer.allocate(11).put((byte) 0).putInt(schemaId).put((byte) 0x02)
                .put(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10}).array();
        fx.raw(AlertingFixture.METRICS_TOPIC, INSTANCE, hostile);
        fx.sample(INSTANCE, "connections_used_ratio", 95, T0);

        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters(fx.topics().dlqMetrics());
        assertEquals(1, dead.size());
        assertEquals("MALFORMED_BODY", header(dead.get(0), DeadLetter.REASON));
        assertArrayEquals(hostile, dead.get(0).value());
        assertEquals(1, fx.events().size(), "the good sample after it fires");
    }

    @Test
    void aDeadLetterTooLargeForTheBrokerIsTruncatedAndSaysSo() {
        byte[] garbage = new byte[2 * 1024 * 1024];
        Arrays.fill(garbage, (byte) 7);
        fx.raw(AlertingFixture.METRICS_TOPIC, INSTANCE, garbage);
        fx.sample(INSTANCE, "connections_used_ratio", 95, T0);

        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters(fx.topics().dlqMetrics());
        assertEquals(1, dead.size());
        assertEquals("WRONG_MAGIC_BYTE", header(dead.get(0), DeadLetter.REASON));
        assertEquals(DeadLetter.MAX_VALUE_BYTES, dead.get(0).value().length);
        assertArrayEquals(Arrays.copyOf(garbage, DeadLetter.MAX_VALUE_BYTES), dead.get(0).value(), "the start, untouched");
        assertEquals("value: 2097152 bytes, first 262144 kept", header(dead.get(0), DeadLetter.TRUNCATED));
        assertEquals(1, fx.events().size());
    }

    @Test
    void aReplayedRecordRefusedAgainGoesBackWithItsNewReasonAndItsLineage() {
        // As gds-rules dlq replay re-sends a dead letter: original headers, none of gds.dlq.*, plus the lineage.
        RecordHeaders replayed = new RecordHeaders();
        replayed.add("traceparent", "00-abc-01".getBytes(StandardCharsets.UTF_8));
        DeadLetterHeaders.set(replayed, DeadLetterHeaders.REPLAY_OF, "gds.metrics.postgresql.prod-0@7");
        DeadLetterHeaders.set(replayed, DeadLetterHeaders.REPLAY_FROM, "gds.dlq.metrics-0@3");
        fx.raw(AlertingFixture.METRICS_TOPIC, INSTANCE, new byte[] {0, 0, 0}, replayed);
        fx.sample(INSTANCE, "connections_used_ratio", 95, T0);

        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters(fx.topics().dlqMetrics());
        assertEquals(1, dead.size(), "refused again, and not lost");
        assertEquals("TOO_SHORT", header(dead.get(0), DeadLetterHeaders.REASON), "the new reason");
        assertEquals(AlertingFixture.METRICS_TOPIC, header(dead.get(0), DeadLetterHeaders.SOURCE_TOPIC));
        assertEquals("gds.metrics.postgresql.prod-0@7", header(dead.get(0), DeadLetterHeaders.REPLAY_OF), "the lineage survives");
        assertEquals("00-abc-01", header(dead.get(0), "traceparent"));
        assertEquals(1, fx.events().size(), "the good sample after it fires");
    }

    @Test
    void aDeadLetterThatFitsCarriesNoTruncationHeader() {
        fx.raw(AlertingFixture.METRICS_TOPIC, INSTANCE, new byte[] {1, 2, 3, 4, 5, 6});
        assertNull(header(fx.deadLetters(fx.topics().dlqMetrics()).get(0), DeadLetter.TRUNCATED));
    }
}
