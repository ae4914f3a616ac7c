package com.gds.alerting.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.serde.AvroSerdeConfig;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.importer.consume.DeadLetterPublisher;
import com.gds.alerting.importer.ops.ImporterMetrics;

import com.gds.alerting.importer.testkit.EmbeddedPostgresServer;
import com.gds.alerting.importer.warehouse.ConnectionFactory;

/** The importer end to end into a real PostgreSQL; the outage is the server really stopping. */
class PostgresImporterIT extends ImporterContractIT {

    private static EmbeddedPostgresServer postgres;
    private String url;

    @BeforeAll
    static void startPostgres() {
        postgres = new EmbeddedPostgresServer();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Override
    String newWarehouse() throws Exception {
        url = postgres.newDatabase();
        return url;
    }

    @Override
    ConnectionFactory importerConnections() {
        return testConnections();
    }

    @Override
    ConnectionFactory testConnections() {
        return () -> DriverManager.getConnection(url, "postgres", "");
    }

    @Override
    Map<String, String> warehouseSettings() {
        return Map.of("warehouse.url", url, "warehouse.user", "postgres");
    }

    @Override
    void warehouseDown() throws Exception {
        postgres.stop();
    }

    @Override
    void warehouseUp() throws Exception {
        postgres.start();
    }

    /**
     * Issue 24, item 4: a row the warehouse refuses (PostgreSQL stores no NUL character in text:
     * SQL state 22021) is a poison record, not an outage: it is dead-lettered, the rest of its
     * batch loads, and the importer moves on instead of retrying the batch forever.
     */
    @Test
    void aRowTheWarehouseRefusesIsDeadLetteredAndTheRestOfItsBatchLoads() throws Exception {
        publishMetricCycles(0, 1);
        String metricsTopic = sourceTopics.get(0);
        String refused = "pg-\u0000-nul";
        Metric metric = Metric.newBuilder().setTimestamp(java.time.Instant.parse("2026-11-21T00:00:00Z"))
                .setDatabaseType("postgresql").setInstanceId(refused).setMetricName("up").setValue(1)
                .setMetadata(new MetricMetadata(1L, "t", "c")).build();
        try (Serde<Metric> serde = AvroSerdes.valueSerde(Metric.class,
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://" + SCOPE));
             KafkaProducer<byte[], byte[]> producer = rawProducer()) {
            producer.send(new ProducerRecord<>(metricsTopic, refused.getBytes(StandardCharsets.UTF_8),
                    serde.serializer().serialize(metricsTopic, metric))).get();
        }
        publishMetricCycles(1, 2);
        WarehouseImporter importer = startImporter(null);

        awaitCommittedToTheEnd();

        assertEquals(metricKeys.size(), count("SELECT COUNT(*) FROM fact_metric"), "every other metric loaded");
        List<ConsumerRecord<byte[], byte[]>> dead = readAll(topics.dlqMetrics(), 1);
        assertEquals("WAREHOUSE_REFUSED", header(dead.get(0), DeadLetterPublisher.REASON_CODE));
        assertEquals("WAREHOUSE_REFUSED", header(dead.get(0), DeadLetterPublisher.REASON));
        assertTrue(header(dead.get(0), DeadLetterPublisher.ERROR).contains("22021"),
                header(dead.get(0), DeadLetterPublisher.ERROR));
        assertEquals(ImporterMetrics.State.RUNNING, importer.metrics().state());
    }

    /** The server is stopped: the test cannot read it either. */
    @Override
    java.util.OptionalLong countWhileDown(String sql) {
        return java.util.OptionalLong.empty();
    }
}
