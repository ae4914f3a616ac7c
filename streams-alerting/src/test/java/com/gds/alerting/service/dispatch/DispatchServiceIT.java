package com.gds.alerting.service.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * The whole path inside the real service: a rule and a breaching metric go in, the topology fires,
 * the dispatcher the service started by itself posts to gds_notification, and /prometheus shows it.
 */
class DispatchServiceIT {

    private static final GdsTopics TOPICS = GdsTopics.defaults();

    @Test
    void aMetricThatBreachesARuleEndsAsOnePostToGdsNotification() throws Exception {
        String scope = "dispatch-service-" + UUID.randomUUID();
        AvroClassTrust.install();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary();
             FakeNotificationService fake = new FakeNotificationService(0)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                List<NewTopic> topics = new ArrayList<>();
                topics.add(new NewTopic(TOPICS.metricsTopic("postgresql", "prod"), 2, (short) 1));
                topics.add(new NewTopic(TOPICS.commands(), 2, (short) 1));
                for (String name : List.of(TOPICS.rules(), TOPICS.rulesAccepted(), TOPICS.silences())) {
                    topics.add(new NewTopic(name, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
                }
                for (String name : List.of(TOPICS.events(), TOPICS.commandResults(), TOPICS.dlqMetrics(), TOPICS.dlqRules(),
                        TOPICS.dlqCommands(), TOPICS.dlqNotifications())) {
                    topics.add(new NewTopic(name, 1, (short) 1));
                }
                admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
            }
            String registry = InMemorySchemaRegistry.SCHEME + scope;
            send(broker, registry, TOPICS.rules(), "lag", Rule.newBuilder().setRuleId("lag").setKind(RuleKind.THRESHOLD)
                    .setSelector(new Selector("replication_lag_seconds", List.of()))
                    .setConditions(List.of(new Condition(Severity.CRITICAL, Comparison.GT, 30.0, null))).build());

            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Map<String, Object> props = new HashMap<>();
            props.put("micronaut.server.port", port);
            props.put("gds.alerting.advertised-address", "localhost:" + port);
            props.put("gds.alerting.state-dir",
                    Files.createTempDirectory(Files.createDirectories(Path.of("target")), "state-dispatch").toString());
            props.put("gds.serde.schema.registry.url", registry);
            props.put("kafka.bootstrap.servers", broker.bootstrapServers());
            props.put("gds.dispatcher.base-url", fake.url());
            props.put("gds.dispatcher.auto-offset-reset", "earliest");
            try (ApplicationContext service = ApplicationContext.run(EmbeddedServer.class, props).getApplicationContext()) {
                await("the dispatcher runs", () -> service.getBean(DispatcherLifecycle.class).dispatcher().isRunning());
                // Keep sending until the rule table has the rule and the sample fires it.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (fake.delivered().isEmpty() && System.nanoTime() < deadline) {
                    send(broker, registry, TOPICS.metricsTopic("postgresql", "prod"), "pg-prod-1", Metric.newBuilder()
                            .setTimestamp(Instant.now()).setDatabaseType("postgresql").setInstanceId("pg-prod-1")
                            .setMetricName("replication_lag_seconds").setValue(45).setTags(Map.of("environment", "prod"))
                            .setMetadata(new MetricMetadata(1L, "it", "c")).build());
                    await("a moment", () -> !fake.delivered().isEmpty(), 1);
                }
                assertTrue(!fake.delivered().isEmpty(), "the firing reached gds_notification");
                String body = fake.delivered().get(0).body();
                assertTrue(body.contains("\"alert_name\":\"lag\"") && body.contains("\"db_instance_id\":\"pg-prod-1\"")
                        && body.contains("\"severity\":\"critical\""), body);
                assertTrue(body.contains("[CRITICAL] FIRING pg-prod-1"), body);
                assertEquals(1, fake.delivered().size(), "one firing, one notification");

                HttpClient http = HttpClient.create(service.getBean(EmbeddedServer.class).getURL());
                String metrics = http.toBlocking().retrieve(HttpRequest.GET("/prometheus"));
                assertTrue(metrics.contains("gds_dispatcher_sent_total{kind=\"event\"} 1.0"), "sent counter on /prometheus");
                assertTrue(metrics.contains("gds_dispatcher_delivery_latency_seconds_bucket"), "latency histogram");
                assertTrue(metrics.contains("gds_dispatcher_circuit_state{state=\"closed\"} 1.0"), "circuit state");
                String liveness = http.toBlocking().retrieve(HttpRequest.GET("/health/liveness"));
                // retrieve() throws on a 503: liveness is UP; the dispatcher is in it, with its state.
                assertTrue(liveness.contains("notification-dispatcher") && liveness.contains("\"state\":\"running\""), liveness);
                http.close();
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    private static <T extends SpecificRecord> void send(EmbeddedKafkaBroker broker, String registry, String topic, String key,
                                                        T value) throws Exception {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) value.getClass();
        try (KafkaProducer<String, T> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), AvroSerdes.valueSerde(type, Map.of("schema.registry.url", registry)).serializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        if (!await(what, condition, 60)) {
            fail(what + " did not happen within 60 s");
        }
    }

    private static boolean await(String what, BooleanSupplier condition, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
