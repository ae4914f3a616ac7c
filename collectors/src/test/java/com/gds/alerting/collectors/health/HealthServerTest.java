package com.gds.alerting.collectors.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.collectors.Await;
import com.gds.alerting.collectors.TestConfigs;
import com.gds.alerting.collectors.agent.CollectorAgent;
import com.gds.alerting.collectors.config.CollectorsConfig;
import com.gds.alerting.collectors.config.TargetConfig;
import com.gds.alerting.collectors.source.Collector;
import com.gds.alerting.collectors.source.Sample;

/** {@code /metrics} and {@code /health} over real HTTP, from a running agent. */
class HealthServerTest {

    /** Every name /metrics had before Micrometer (docs/collectors.md): none may go. */
    private static final List<String> OWN_METRICS = List.of("gds_collector_cycles_total", "gds_collector_cycles_abandoned_total",
            "gds_collector_starts_late_total", "gds_collector_target_up", "gds_collector_spool_bytes",
            "gds_collector_spool_max_bytes", "gds_collector_spool_appended_total", "gds_collector_spool_dropped_total",
            "gds_collector_spool_corrupt_total", "gds_collector_delivered_total", "gds_collector_undeliverable_total",
            "gds_collector_send_failures_total", "gds_collector_parked_total", "gds_collector_topic_parked",
            "gds_collector_jvm_heap_used_bytes", "gds_collector_jvm_heap_max_bytes", "gds_collector_in_flight");
    private static final List<String> HEALTH_FIELDS = List.of("status", "version", "targets", "targets_down", "spool_bytes",
            "spool_max_bytes", "spool_dropped", "delivered", "in_flight", "last_delivery", "last_kafka_error", "undeliverable");
    private static final String ERROR = "the broker said:\nline two with \"quotes\", a \\ and a tab\t";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private CollectorsConfig config() {
        // Nothing listens on port 1: the producer exists (and has its metrics) but never connects.
        return TestConfigs.parse("""
                kafka: {bootstrap.servers: "127.0.0.1:1"}
                schema_registry: {schema.registry.url: "mem://health-server-test"}
                agent: {spool_dir: spool, health_port: "-1"}
                targets:
                """ + TestConfigs.pgTarget("pg-01", "prod", "jdbc:postgresql://127.0.0.1:1/app", "1s", "500ms"), dir);
    }

    private static final Function<TargetConfig, Collector> ANSWERING = target -> new Collector() {
        @Override
        public List<Sample> collect() {
            return List.of(Sample.of("connections_used_ratio", 0.5));
        }

        @Override
        public void close() {
        }
    };

    private HttpResponse<String> get(HealthServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsCarryEveryOwnNameWithWholeNumbersAndTheJvmsAndTheKafkaProducers() throws Exception {
        try (CollectorAgent agent = new CollectorAgent(config(), java.time.Clock.systemUTC(), ANSWERING).start();
             HealthServer server = new HealthServer(agent, "127.0.0.1", 0)) {
            Await.until(Duration.ofSeconds(30), () -> agent.scheduler().completedCycles() > 0, () -> "no cycle finished");
            HttpResponse<String> r = get(server, "/metrics");
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"), r.headers().toString());
            String body = r.body();
            // gds_collector_topic_parked has a row per parked topic only, and none is (TopicIsolationIT parks one).
            for (String name : OWN_METRICS.stream().filter(n -> !n.equals("gds_collector_topic_parked")).toList()) {
                assertTrue(Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? -?\\d+$").matcher(body).find(),
                        name + " as a whole number in\n" + body);
                assertTrue(body.contains("# TYPE " + name + " "), name + " declared in\n" + body);
            }
            assertTrue(body.contains("gds_collector_target_up{instance_id=\"pg-01\"} 1\n"), body);
            for (String foreign : List.of("jvm_memory_used_bytes{", "jvm_threads_live_threads", "process_cpu_usage",
                    "jvm_gc_", "kafka_producer_")) {
                assertTrue(body.contains(foreign), foreign + " in\n" + body);
            }
        }
    }

    @Test
    void healthIsValidJsonWithEveryFieldWhenTheLastErrorHasNewlinesAndQuotes() throws Exception {
        MockProducer<String, Metric> producer = new MockProducer<>(false, null, new StringSerializer(), (t, m) -> new byte[0]);
        try (CollectorAgent agent = new CollectorAgent(config(), java.time.Clock.systemUTC(), ANSWERING)
                .withProducers((props, serde) -> producer).start();
             HealthServer server = new HealthServer(agent, "127.0.0.1", 0)) {
            Await.until(Duration.ofSeconds(30), () -> {
                if (!producer.history().isEmpty()) {
                    producer.errorNext(new KafkaException(ERROR));
                }
                return agent.forwarder().lastError() != null;
            }, () -> "no send failed");
            HttpResponse<String> r = get(server, "/health");
            assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
            JsonNode health = new ObjectMapper().readTree(r.body());
            for (String field : HEALTH_FIELDS) {
                assertTrue(health.has(field), field + " in " + r.body());
            }
            assertEquals(KafkaException.class.getName() + ": " + ERROR, health.get("last_kafka_error").asText());
            assertEquals(1, health.get("targets").asInt());
            assertTrue(health.get("undeliverable").isArray());
            assertEquals(r.statusCode() == 200 ? "UP" : "DEGRADED", health.get("status").asText());
        }
    }
}
