package com.gds.alerting.service.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

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
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.service.TestServices;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * The whole path inside the real service: a rule and a breaching metric go in, the topology fires,
 * the dispatcher the service started by itself posts to gds_notification, and /prometheus shows it;
 * a silence created through the REST API keeps an alert quiet until it is deleted. One broker and
 * one service for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DispatchServiceIT {

    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String SCOPE = "dispatch-service-" + UUID.randomUUID();
    private static final String REGISTRY = InMemorySchemaRegistry.SCHEME + SCOPE;

    private static EmbeddedKafkaBroker broker;
    private static FakeNotificationService fake;
    private static ApplicationContext service;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        AvroClassTrust.install();
        broker = EmbeddedKafkaBroker.startTemporary();
        fake = new FakeNotificationService(0);
        TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(TOPICS.metricsTopic("postgresql", "prod")), 2);
        send(TOPICS.rules(), "lag", Rule.newBuilder().setRuleId("lag").setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector("replication_lag_seconds", List.of()))
                .setConditions(List.of(new Condition(Severity.CRITICAL, Comparison.GT, 30.0, null))).build());

        Map<String, Object> props = TestServices.properties(broker.bootstrapServers(), REGISTRY, "dispatch");
        props.put("gds.dispatcher.base-url", fake.url());
        props.put("gds.dispatcher.auto-offset-reset", "earliest");
        props.put("micronaut.security.enabled", false);
        service = TestServices.start(props);
        http = HttpClient.create(service.getBean(EmbeddedServer.class).getURL());
        await("the dispatcher runs", () -> service.getBean(DispatcherLifecycle.class).dispatcher().isRunning());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            TestServices.closeAll(http, service, fake, broker);
        } finally {
            InMemorySchemaRegistry.dropScope(SCOPE);
        }
    }

    /** Keeps sending breaching samples of {@code instance} until {@code until} holds (the rule table may still be loading). */
    private static void breachUntil(String instance, BooleanSupplier until) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!until.getAsBoolean() && System.nanoTime() < deadline) {
            send(TOPICS.metricsTopic("postgresql", "prod"), instance, Metric.newBuilder()
                    .setTimestamp(Instant.now()).setDatabaseType("postgresql").setInstanceId(instance)
                    .setMetricName("replication_lag_seconds").setValue(45).setTags(Map.of("environment", "prod"))
                    .setMetadata(new MetricMetadata(1L, "it", "c")).build());
            await("a moment", until, 1);
        }
    }

    private static List<String> deliveredFor(String instance) {
        return fake.delivered().stream().map(FakeNotificationService.Request::body)
                .filter(b -> b.contains("\"db_instance_id\":\"" + instance + "\"")).toList();
    }

    @Test
    @Order(1)
    void aMetricThatBreachesARuleEndsAsOnePostToGdsNotification() throws Exception {
        breachUntil("pg-prod-1", () -> !deliveredFor("pg-prod-1").isEmpty());
        List<String> delivered = deliveredFor("pg-prod-1");
        assertTrue(!delivered.isEmpty(), "the firing reached gds_notification");
        String body = delivered.get(0);
        assertTrue(body.contains("\"alert_name\":\"lag\"") && body.contains("\"severity\":\"critical\""), body);
        assertTrue(body.contains("[CRITICAL] FIRING pg-prod-1"), body);
        assertEquals(1, delivered.size(), "one firing, one notification");

        String metrics = http.toBlocking().retrieve(HttpRequest.GET("/prometheus"));
        assertTrue(metrics.contains("gds_dispatcher_sent_total{kind=\"event\"} 1.0"), "sent counter on /prometheus");
        assertTrue(metrics.contains("gds_dispatcher_delivery_latency_seconds_bucket"), "latency histogram");
        assertTrue(metrics.contains("gds_dispatcher_circuit_state{state=\"closed\"} 1.0"), "circuit state");
        String liveness = http.toBlocking().retrieve(HttpRequest.GET("/health/liveness"));
        // retrieve() throws on a 503: liveness is UP; the dispatcher is in it, with its state.
        assertTrue(liveness.contains("notification-dispatcher") && liveness.contains("\"state\":\"running\""), liveness);
    }

    @Test
    @Order(2)
    void aSilenceCreatedThroughTheApiKeepsTheAlertQuietUntilItIsDeleted() throws Exception {
        String instance = "pg-prod-2";
        String key = "lag:" + instance + ":replication_lag_seconds";
        Map<?, ?> created = http.toBlocking().retrieve(HttpRequest.POST("/api/v1/silences", Map.of(
                "matchers", List.of(Map.of("label", "instance_id", "op", "=", "value", instance)),
                "ends_at", Instant.now().plusSeconds(3600).toString(),
                "created_by", "alice", "comment", "planned failover")), Map.class);
        String silenceId = (String) created.get("silence_id");
        await("the silence is in the table", () -> http.toBlocking().retrieve("/api/v1/silences").contains(silenceId));

        breachUntil(instance, () -> alert(key) != null);
        await("the alert fired under the silence", () -> "FIRING".equals(alert(key).get("state")));
        assertEquals("silence:" + silenceId, alert(key).get("suppressed_by"));
        // the FIRED event is on the topic and the dispatcher reads it; it must send nothing
        String metrics = http.toBlocking().retrieve(HttpRequest.GET("/prometheus"));
        assertTrue(metrics.contains("gds_alerting_notifications_silenced_total"), "silenced counter exported");
        await("the dispatcher decided on the silenced event",
                () -> http.toBlocking().retrieve(HttpRequest.GET("/prometheus")).contains("reason=\"suppressed\""));
        assertTrue(deliveredFor(instance).isEmpty(), "nothing sent while silenced");

        http.toBlocking().exchange(HttpRequest.DELETE("/api/v1/silences/" + silenceId));
        await("the alert notified when its silence was deleted", () -> !deliveredFor(instance).isEmpty());
        List<String> delivered = deliveredFor(instance);
        assertEquals(1, delivered.size(), delivered.toString());
        assertTrue(delivered.get(0).contains("[CRITICAL] FIRING " + instance) && delivered.get(0).contains("SILENCE_ENDED"),
                delivered.get(0));
        assertEquals(null, alert(key).get("suppressed_by"));
    }

    private static Map<?, ?> alert(String key) {
        try {
            return http.toBlocking().retrieve(HttpRequest.GET("/api/v1/alerts/" + key), Map.class);
        } catch (io.micronaut.http.client.exceptions.HttpClientResponseException e) {
            if (e.getStatus().getCode() == 404 || e.getStatus().getCode() == 503) {
                return null;
            }
            throw e;
        }
    }

    private static <T extends SpecificRecord> void send(String topic, String key, T value) throws Exception {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) value.getClass();
        try (KafkaProducer<String, T> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), AvroSerdes.valueSerde(type, Map.of("schema.registry.url", REGISTRY)).serializer())) {
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
