package com.gds.alerting.collectors.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.collectors.Await;

/**
 * A topic the broker refuses this client to write to, while describing it is allowed: the
 * producer's refusal is what parks it. No broker with an authorizer runs here, so Kafka's own
 * {@link MockProducer} gives the broker's answers (the missing-topic case runs on a real broker:
 * TopicIsolationIT).
 */
class SpoolForwarderParkingTest {

    private static SpoolRecord record(String topic, int i) {
        Metric m = new Metric(Instant.ofEpochMilli(1_000L * i), "postgresql", topic.endsWith("denied") ? "pg-denied" : "pg-ok",
                "up", 1.0, Map.of(), new MetricMetadata(5L, "test", "c" + i));
        return new SpoolRecord(topic, m.getInstanceId(), m);
    }

    @Test
    void aTopicThisClientMayNotWriteIsParkedEvenWhenItCanBeDescribed(@TempDir Path dir) {
        String denied = "gds.metrics.postgresql.denied";
        String ok = "gds.metrics.postgresql.prod";
        List<SpoolRecord> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(record(i % 2 == 0 ? denied : ok, i));
        }
        MockProducer<String, Metric> producer = new MockProducer<>(false, null, new StringSerializer(), (t, m) -> new byte[0]);
        Clock clock = Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC);
        try (DiskSpool spool = new DiskSpool(dir, 1 << 20)) {
            spool.append(records);
            SpoolForwarder forwarder = new SpoolForwarder(spool, producer, 50, clock, topic -> TopicProbe.Verdict.WRITABLE,
                    Duration.ZERO);
            forwarder.start();
            // The broker's answers, oldest send first: the n-th answer settles the n-th send.
            int[] answered = {0};
            try {
                Await.until(Duration.ofSeconds(30), () -> {
                    List<org.apache.kafka.clients.producer.ProducerRecord<String, Metric>> sent = producer.history();
                    if (answered[0] < sent.size()) {
                        boolean settled = sent.get(answered[0]).topic().equals(denied)
                                ? producer.errorNext(new TopicAuthorizationException(Set.of(denied)))
                                : producer.completeNext();
                        answered[0] += settled ? 1 : 0;
                    }
                    return forwarder.deliveredCount() == 10 && forwarder.parkedCount() == 10;
                }, () -> "delivered " + forwarder.deliveredCount() + ", parked " + forwarder.parkedCount());
            } finally {
                forwarder.close(Duration.ofSeconds(5));
            }
            SpoolForwarder.ParkedTopic p = forwarder.parkedTopics().get(0);
            assertEquals(denied, p.topic());
            assertTrue(p.reason().contains("not authorized to write"), p.reason());
            assertEquals(Set.of("pg-denied"), p.instances());
            assertTrue(Files.exists(dir.resolve("dead-letter").resolve(denied + ".dlq")));
        }
    }
}
