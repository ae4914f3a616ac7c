package com.gds.alerting.importer.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /health} and {@code /metrics} over real HTTP, with real (never connected) Kafka clients. */
class OpsHttpServerTest {

    /** Every name /metrics had before Micrometer (docs/dw-importer.md): none may go. */
    private static final List<String> OWN_METRICS = List.of("gds_importer_rows_loaded_total{table=\"fact_metric\"}",
            "gds_importer_rows_loaded_total{table=\"fact_alert_event\"}", "gds_importer_records_consumed_total",
            "gds_importer_batches_total", "gds_importer_dead_letters_total", "gds_importer_failed_attempts_total",
            "gds_importer_rows_purged_total", "gds_importer_batch_latency_seconds_count",
            "gds_importer_batch_latency_seconds_sum", "gds_importer_batch_latency_seconds_max",
            "gds_importer_batch_latency_seconds_last", "gds_importer_consumer_lag_records", "gds_importer_up");
    private static final String ERROR = "COPY failed:\nline 2: \"quoted\" value, a \\ and a tab\t";

    private final ImporterMetrics metrics = new ImporterMetrics();
    private final HttpClient http = HttpClient.newHttpClient();
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private ImporterMeters meters;
    private OpsHttpServer server;

    @BeforeEach
    void start() {
        // Nothing listens on port 1: the clients exist, with their metrics, and never connect.
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1",
                ConsumerConfig.GROUP_ID_CONFIG, "ops-test"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"),
                new ByteArraySerializer(), new ByteArraySerializer());
        meters = new ImporterMeters(metrics, consumer, producer);
        server = new OpsHttpServer("127.0.0.1", 0, metrics, meters.registry(), "duckdb at data/warehouse.duckdb");
    }

    @AfterEach
    void stop() {
        server.close();
        meters.close();
        consumer.close(Duration.ZERO);
        producer.close(Duration.ZERO);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthIsValidJsonNamingTheStateWhenTheLastErrorHasNewlinesAndQuotes() throws Exception {
        metrics.failed(ERROR);
        HttpResponse<String> r = get("/health");
        assertEquals(503, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode health = new ObjectMapper().readTree(r.body());
        for (String field : List.of("status", "state", "warehouse", "lastBatchAt", "lag", "lastError")) {
            assertTrue(health.has(field), field + " in " + r.body());
        }
        assertEquals("DOWN", health.get("status").asText());
        assertEquals("FAILED", health.get("state").asText());
        assertEquals(ERROR, health.get("lastError").asText());
        assertTrue(health.get("lastBatchAt").isNull());
    }

    @Test
    void healthIsUpWhileRunning() throws Exception {
        metrics.state(ImporterMetrics.State.RUNNING);
        metrics.batchCommitted(3, 2, 1, 0, Duration.ofMillis(250), Instant.parse("2026-12-07T10:00:00Z"));
        HttpResponse<String> r = get("/health");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode health = new ObjectMapper().readTree(r.body());
        assertEquals("UP", health.get("status").asText());
        assertEquals("2026-12-07T10:00:00Z", health.get("lastBatchAt").asText());
        assertTrue(health.get("lastError").isNull());
    }

    @Test
    void metricsCarryEveryOwnNameWithItsValueAndTheJvmsAndTheKafkaClients() throws Exception {
        metrics.state(ImporterMetrics.State.RUNNING);
        metrics.batchCommitted(3, 2, 1, 1, Duration.ofMillis(250), Instant.parse("2026-12-07T10:00:00Z"));
        metrics.lag(42);
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        String body = r.body();
        for (String name : OWN_METRICS) {
            assertTrue(Pattern.compile("(?m)^" + Pattern.quote(name) + " \\S+$").matcher(body).find(), name + " in\n" + body);
        }
        for (String line : List.of("gds_importer_rows_loaded_total{table=\"fact_metric\"} 2",
                "gds_importer_rows_loaded_total{table=\"fact_alert_event\"} 1", "gds_importer_records_consumed_total 3",
                "gds_importer_batches_total 1", "gds_importer_dead_letters_total 1", "gds_importer_batch_latency_seconds_count 1",
                "gds_importer_batch_latency_seconds_sum 0.25", "gds_importer_batch_latency_seconds_max 0.25",
                "gds_importer_batch_latency_seconds_last 0.25", "gds_importer_consumer_lag_records 42", "gds_importer_up 1")) {
            assertTrue(body.contains(line + "\n"), line + " in\n" + body);
        }
        assertTrue(body.contains("# TYPE gds_importer_batch_latency_seconds summary"), body);
        for (String foreign : List.of("jvm_memory_used_bytes{", "jvm_threads_live_threads", "process_cpu_usage",
                "kafka_consumer_", "kafka_producer_")) {
            assertTrue(body.contains(foreign), foreign + " in\n" + body);
        }
    }
}
