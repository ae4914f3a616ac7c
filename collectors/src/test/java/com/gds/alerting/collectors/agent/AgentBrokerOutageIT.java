package com.gds.alerting.collectors.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.serde.AvroSerdeConfig;
import com.gds.alerting.avro.serde.GdsAvroDeserializer;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.collectors.Await;
import com.gds.alerting.collectors.TestConfigs;
import com.gds.alerting.collectors.TestPostgres;
import com.gds.alerting.collectors.config.CollectorsConfig;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * The whole agent, from collectors.yaml to Kafka, against a real PostgreSQL and a real broker
 * that is stopped mid-run and started again.
 */
class AgentBrokerOutageIT {

    private static final String SCOPE = "agent-outage-it";
    private static TestPostgres pg;
    private static EmbeddedKafkaBroker broker;
    @TempDir
    static Path brokerDir;

    @BeforeAll
    static void start() throws Exception {
        pg = TestPostgres.start(50);
        // A data directory of our own, so stopping the broker keeps its logs for the restart.
        broker = EmbeddedKafkaBroker.builder().dataDir(brokerDir.resolve("kafka")).build().start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic("outage"), 3, (short) 1), new NewTopic(topic("coldstart"), 3, (short) 1)))
                    .all().get();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
        pg.close();
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    private static String topic(String environment) {
        return "gds.metrics.postgresql." + environment;
    }

    private static CollectorsConfig config(Path dir, String environment) {
        StringBuilder yaml = new StringBuilder("""
                kafka:
                  bootstrap.servers: "%s"
                  reconnect.backoff.max.ms: "500"
                schema_registry: {schema.registry.url: "mem://%s"}
                agent: {spool_dir: spool, health_port: "-1"}
                targets:
                """.formatted(broker.bootstrapServers(), SCOPE));
        for (int i = 1; i <= 3; i++) {
            yaml.append(TestConfigs.pgTarget("pg-" + i, environment, pg.jdbcUrl(), "1s", "500ms"));
        }
        return TestConfigs.parse(yaml.toString(), dir);
    }

    @Test
    void aBrokerOutageLosesNothingAndDuplicatesNothing(@TempDir Path dir) {
        long appended;
        // A small producer window: most of what is collected during the outage waits on disk.
        try (CollectorAgent agent = new CollectorAgent(config(dir, "outage")).withForwardWindow(50).start()) {
            Await.until(Duration.ofSeconds(60), () -> agent.forwarder().deliveredCount() >= 100,
                    () -> "nothing reached Kafka before the outage: " + agent.forwarder().lastError());
            broker.close();
            long deliveredAtOutage = agent.forwarder().deliveredCount();
            Await.until(Duration.ofSeconds(60), () -> agent.spool().appendedCount() - agent.forwarder().deliveredCount() >= 600,
                    () -> "records should pile up in the spool while Kafka is away");
            assertTrue(agent.forwarder().deliveredCount() - deliveredAtOutage <= 50, "at most the window was in flight");
            assertTrue(agent.spool().liveBytes() > 0);
            broker.start();
            appended = stopCollectingAndDrain(agent);
        }
        assertExactlyOnceInOrder(consumeAll(topic("outage"), appended), appended);
    }

    @Test
    void anAgentStartedWhileKafkaIsDownDeliversEverythingWhenItComes(@TempDir Path dir) {
        long appended;
        broker.close();
        try (CollectorAgent agent = new CollectorAgent(config(dir, "coldstart")).withForwardWindow(50).start()) {
            Await.until(Duration.ofSeconds(60), () -> agent.spool().appendedCount() >= 300 && agent.forwarder().failureCount() > 0,
                    () -> "records should wait in the spool, sends fail: " + agent.forwarder().failureCount());
            assertEquals(0, agent.forwarder().deliveredCount());
            broker.start();
            appended = stopCollectingAndDrain(agent);
        }
        assertExactlyOnceInOrder(consumeAll(topic("coldstart"), appended), appended);
    }

    private static long stopCollectingAndDrain(CollectorAgent agent) {
        agent.scheduler().close(Duration.ofSeconds(10));
        long appended = agent.spool().appendedCount();
        Await.until(Duration.ofSeconds(120), () -> agent.forwarder().deliveredCount() == appended,
                () -> agent.forwarder().deliveredCount() + " of " + appended + " delivered after the restart; last error "
                        + agent.forwarder().lastError());
        assertEquals(0, agent.spool().droppedCount());
        assertEquals(0, agent.forwarder().droppedCount());
        return appended;
    }

    private static void assertExactlyOnceInOrder(List<ConsumerRecord<String, Metric>> received, long appended) {
        assertEquals(appended, received.size(), "every spooled record arrives, exactly once");
        Set<String> identities = new HashSet<>();
        Map<String, List<Metric>> byInstance = new HashMap<>();
        for (ConsumerRecord<String, Metric> r : received) {
            Metric m = r.value();
            assertEquals(m.getInstanceId(), r.key());
            assertTrue(identities.add(m.getMetadata().getCorrelationId() + "/" + m.getMetricName() + "/" + m.getTags()),
                    "duplicate: " + m);
            byInstance.computeIfAbsent(m.getInstanceId(), k -> new ArrayList<>()).add(m);
        }
        assertEquals(Set.of("pg-1", "pg-2", "pg-3"), byInstance.keySet());
        byInstance.forEach(AgentBrokerOutageIT::assertCyclesInOrder);
    }

    /** Each cycle's records are contiguous and cycles follow each other in time. */
    private static void assertCyclesInOrder(String instance, List<Metric> metrics) {
        Set<String> finished = new HashSet<>();
        String current = null;
        long lastCycleStart = Long.MIN_VALUE;
        for (Metric m : metrics) {
            String cid = m.getMetadata().getCorrelationId();
            if (!cid.equals(current)) {
                assertTrue(finished.add(cid), instance + ": cycle " + cid + " interleaved with another");
                assertEquals("up", m.getMetricName(), instance + ": a cycle starts with up");
                long start = m.getTimestamp().toEpochMilli();
                assertTrue(start > lastCycleStart, instance + ": cycles out of order");
                lastCycleStart = start;
                current = cid;
            }
        }
    }

    private static List<ConsumerRecord<String, Metric>> consumeAll(String topic, long expected) {
        Map<String, Object> serde = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://" + SCOPE);
        GdsAvroDeserializer<Metric> deserializer = new GdsAvroDeserializer<>(Metric.class);
        deserializer.configure(serde, false);
        List<ConsumerRecord<String, Metric>> received = new ArrayList<>();
        try (KafkaConsumer<String, Metric> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), deserializer)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // Read past the expected count for a while, so a duplicate would be seen.
            long quietPolls = 0;
            while (System.nanoTime() < deadline && (received.size() < expected || quietPolls < 5)) {
                var records = consumer.poll(Duration.ofMillis(200));
                records.forEach(received::add);
                quietPolls = records.isEmpty() && received.size() >= expected ? quietPolls + 1 : 0;
            }
        }
        return received;
    }
}
