package com.gds.alerting.collectors.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.collectors.Await;
import com.gds.alerting.collectors.TestConfigs;
import com.gds.alerting.collectors.TestPostgres;
import com.gds.alerting.collectors.config.CollectorsConfig;
import com.gds.alerting.collectors.health.HealthServer;
import com.gds.alerting.collectors.spool.SpoolForwarder;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * One target's topic does not exist (an environment typo) on a real broker that does not create
 * topics: the other target's records keep flowing, the first's are set aside with the reason, and
 * {@code /health} names it.
 */
class TopicIsolationIT {

    private static final String SCOPE = "topic-isolation-it";
    private static final String GOOD = "gds.metrics.postgresql.prod";
    private static final String TYPO = "gds.metrics.postgresql.prdo";
    private static TestPostgres pg;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        pg = TestPostgres.start(20);
        broker = EmbeddedKafkaBroker.builder().build().start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(GOOD, 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
        pg.close();
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void aTargetWhoseTopicDoesNotExistDoesNotBlockTheOthersAndHealthNamesIt(@TempDir Path dir) throws Exception {
        String yaml = """
                kafka:
                  bootstrap.servers: "%s"
                schema_registry: {schema.registry.url: "mem://%s"}
                agent: {spool_dir: spool, health_port: "-1"}
                targets:
                """.formatted(broker.bootstrapServers(), SCOPE)
                + TestConfigs.pgTarget("pg-typo", "prdo", pg.jdbcUrl(), "1s", "500ms")
                + TestConfigs.pgTarget("pg-good", "prod", pg.jdbcUrl(), "1s", "500ms");
        CollectorsConfig config = TestConfigs.parse(yaml, dir);
        try (CollectorAgent agent = new CollectorAgent(config).withForwardWindow(50).withParkAfter(Duration.ofSeconds(2)).start();
             HealthServer health = new HealthServer(agent, "127.0.0.1", 0)) {
            Await.until(Duration.ofSeconds(90), () -> !agent.forwarder().parkedTopics().isEmpty(),
                    () -> "the missing topic was never set aside; delivered " + agent.forwarder().deliveredCount()
                            + ", last error " + agent.forwarder().lastError());
            SpoolForwarder.ParkedTopic parked = agent.forwarder().parkedTopics().get(0);
            assertEquals(TYPO, parked.topic());
            assertTrue(parked.reason().contains("does not exist"), parked.reason());

            long deliveredAtPark = agent.forwarder().deliveredCount();
            Await.until(Duration.ofSeconds(60), () -> agent.forwarder().deliveredCount() >= deliveredAtPark + 100,
                    () -> "the good target's records stopped flowing: " + agent.forwarder().deliveredCount());
            assertTrue(agent.forwarder().parkedTopics().get(0).instances().contains("pg-typo"));
            assertEquals(List.of("pg-typo"), List.copyOf(agent.forwarder().parkedTopics().get(0).instances()),
                    "only the typo's records are parked");

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> h = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + "/health"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, h.statusCode());
            assertTrue(h.body().contains("\"status\":\"DEGRADED\""), h.body());
            assertTrue(h.body().contains("\"topic\":\"" + TYPO + "\"") && h.body().contains("\"targets\":[\"pg-typo\"]")
                    && h.body().contains("does not exist"), h.body());
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            // Label order is Micrometer's (alphabetical): reason, then topic.
            assertTrue(metrics.contains("gds_collector_topic_parked{reason=\"topic " + TYPO + " does not exist\",topic=\""
                    + TYPO + "\"} 1\n"), metrics);

            Path deadLetters = config.agent().spoolDir().resolve("dead-letter");
            assertTrue(Files.size(deadLetters.resolve(TYPO + ".dlq")) > 0, "the parked records are kept, not dropped");
            assertTrue(Files.readString(deadLetters.resolve("reasons.log")).contains("parked " + TYPO + ": topic " + TYPO
                    + " does not exist"));

            // The topic is created (the typo fixed on the cluster side): its new records flow again.
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TYPO, 1, (short) 1))).all().get();
            }
            Await.until(Duration.ofSeconds(60), () -> agent.forwarder().parkedTopics().isEmpty(),
                    () -> "the topic, now present, was never taken back");
        }
    }
}
