package com.gds.alerting.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;

import com.gds.alerting.avro.CommandOutcome;
import com.gds.alerting.avro.CommandResult;
import com.gds.alerting.avro.CommandType;
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
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;
import com.gds.alerting.service.api.CommandVerdicts;
import com.gds.alerting.service.query.AlertLocator;
import com.gds.alerting.service.streams.AlertingSettings;
import com.gds.alerting.service.streams.KafkaClientProperties;

/**
 * An ack or resolve answers the topology's verdict: 200 applied, 409 rejected with the reason, 202
 * when the verdict is not awaited or did not come in time. Two instances share the partitions; the
 * acks go through A for an alert B owns, so the verdict comes from the other instance's topology.
 * B is configured not to wait (timeout 0), so its answers are 202.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommandVerdictsIT {

    private static final String SCOPE = "verdicts-" + UUID.randomUUID();
    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String METRICS = TOPICS.metricsTopic("postgresql", "prod");
    private static final String REGISTRY = InMemorySchemaRegistry.SCHEME + SCOPE;
    private static final int INSTANCES = 12;

    private static EmbeddedKafkaBroker broker;
    private static ApplicationContext a;
    private static ApplicationContext b;
    private static HttpClient httpA;
    private static HttpClient httpB;
    /** Firing alerts whose state B holds (A forwards to B to find them; B's topology applies their commands). */
    private static List<String> firingOnB;
    private static String pendingKey;

    @BeforeAll
    static void start() throws Exception {
        AvroClassTrust.install();
        broker = EmbeddedKafkaBroker.startTemporary();
        TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(METRICS), 6);
        send(TOPICS.rules(), "lag", Rule.newBuilder().setRuleId("lag").setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector("replication_lag_seconds", List.of()))
                .setConditions(List.of(new Condition(Severity.CRITICAL, Comparison.GT, 30.0, null))).build());
        send(TOPICS.rules(), "conn", Rule.newBuilder().setRuleId("conn").setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector("connections_used_ratio", List.of())).setForMs(Duration.ofHours(1).toMillis())
                .setConditions(List.of(new Condition(Severity.WARNING, Comparison.GT, 0.5, null))).build());
        send(TOPICS.rules(), "xid", Rule.newBuilder().setRuleId("xid").setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector("xid_wraparound_age", List.of())).setBy(List.of("database"))
                .setConditions(List.of(new Condition(Severity.HIGH, Comparison.GT, 1.5e9, null))).build());
        a = service("a", Duration.ofSeconds(30));
        b = service("b", Duration.ZERO);
        httpA = HttpClient.create(a.getBean(EmbeddedServer.class).getURL());
        httpB = HttpClient.create(b.getBean(EmbeddedServer.class).getURL());
        for (HttpClient client : List.of(httpA, httpB)) {
            for (String rule : List.of("lag", "conn", "xid")) {
                await("the rule table holds " + rule, () -> status(() -> client.toBlocking().exchange(
                        HttpRequest.GET("/api/v1/rules/" + rule))), s -> s == HttpStatus.OK);
            }
        }
        Instant now = Instant.now().minusSeconds(5);
        for (int i = 0; i < INSTANCES; i++) {
            send(METRICS, "pg-" + i, metric("pg-" + i, "replication_lag_seconds", 45, now));
        }
        send(METRICS, "pg-0", metric("pg-0", "connections_used_ratio", 0.9, now));
        // Three databases of one instance at one instant: two breach, one (between them) is healthy.
        send(METRICS, "pg-1", metric("pg-1", "xid_wraparound_age", 1.6e9, now, "orders"));
        send(METRICS, "pg-1", metric("pg-1", "xid_wraparound_age", 2e8, now, "billing"));
        send(METRICS, "pg-1", metric("pg-1", "xid_wraparound_age", 1.7e9, now, "sales/eu"));
        pendingKey = "conn:pg-0:connections_used_ratio";
        int portB = b.getBean(EmbeddedServer.class).getPort();
        AlertLocator locator = a.getBean(AlertLocator.class);
        firingOnB = await("alerts firing, some of them on B", () -> {
            List<String> onB = new java.util.ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                String key = "lag:pg-" + i + ":replication_lag_seconds";
                Map<String, Object> alert = get(key);
                if (alert == null || !"FIRING".equals(alert.get("state"))) {
                    return List.<String>of();
                }
                if (locator.locate(key).activeHost().port() == portB) {
                    onB.add(key);
                }
            }
            return onB;
        }, keys -> keys.size() >= 3);
        await("the pending alert", () -> get(pendingKey), s -> s != null && "PENDING".equals(s.get("state")));
    }

    @AfterAll
    static void stop() throws Exception {
        TestServices.closeAll(httpA, httpB, b, a, broker);
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    private static ApplicationContext service(String name, Duration verdictTimeout) {
        Map<String, Object> props = TestServices.properties(broker.bootstrapServers(), REGISTRY, name);
        props.put("kafka.session.timeout.ms", "6000");
        props.put("kafka.heartbeat.interval.ms", "1000");
        props.put("micronaut.security.enabled", "false");
        props.put("gds.dispatcher.enabled", "false");
        props.put("gds.alerting.command-verdict-timeout", verdictTimeout.toMillis() + "ms");
        return TestServices.start(props);
    }

    @Test
    @Order(1)
    void anAppliedAckIs200WithTheNewStateEvenWhenAnotherInstanceAppliedIt() {
        Answer answer = post(httpA, firingOnB.get(0), "ack", Map.of("by", "alice", "comment", "on it"));
        assertEquals(HttpStatus.OK, answer.status(), answer.body().toString());
        assertEquals("APPLIED", answer.body().get("outcome"));
        assertEquals("ACKNOWLEDGED", answer.body().get("state"));
        assertEquals(1, ((Number) answer.body().get("incident")).intValue());
        assertEquals("ACKNOWLEDGED", get(firingOnB.get(0)).get("state"), "applied means a GET shows it at once");
    }

    @Test
    @Order(2)
    void aSecondAckIs409AlreadyAcknowledgedWithTheReason() {
        Answer answer = post(httpA, firingOnB.get(0), "ack", Map.of("by", "bob"));
        assertEquals(HttpStatus.CONFLICT, answer.status());
        assertEquals("REJECTED", answer.body().get("outcome"));
        assertEquals("ALREADY_ACKNOWLEDGED", answer.body().get("rejection"));
        assertEquals("already acknowledged by alice", answer.body().get("message"));
        // Issue 23: a 409 is a problem body (RFC 9457) that carries the command's answer.
        assertEquals("urn:gds-alerting:problem:command-rejected", answer.body().get("type"), answer.body().toString());
        assertEquals(409, ((Number) answer.body().get("status")).intValue());
        assertEquals("already acknowledged by alice", answer.body().get("detail"));
        assertEquals("ACKNOWLEDGE", answer.body().get("command_type"));
        assertEquals(firingOnB.get(0), answer.body().get("alert_key"));
    }

    @Test
    @Order(2)
    void ackingAPendingAlertIs409NotFiring() {
        Answer answer = post(httpA, pendingKey, "ack", Map.of("by", "alice"));
        assertEquals(HttpStatus.CONFLICT, answer.status());
        assertEquals("NOT_FIRING", answer.body().get("rejection"));
        assertTrue(String.valueOf(answer.body().get("message")).contains("pending"), answer.body().toString());
    }

    @Test
    @Order(2)
    void anAckForAnotherIncidentIs409StaleIncident() {
        Answer answer = post(httpA, firingOnB.get(1), "ack", Map.of("by", "alice", "incident", 7));
        assertEquals(HttpStatus.CONFLICT, answer.status());
        assertEquals("STALE_INCIDENT", answer.body().get("rejection"));
        assertEquals("FIRING", get(firingOnB.get(1)).get("state"), "nothing changed");
    }

    @Test
    @Order(3)
    void resolveIs200ThenAgain409AlreadyResolved() {
        Answer resolved = post(httpA, firingOnB.get(1), "resolve", Map.of("by", "alice", "comment", "fixed"));
        assertEquals(HttpStatus.OK, resolved.status(), resolved.body().toString());
        assertEquals("RESOLVED", resolved.body().get("state"));
        Answer again = post(httpA, firingOnB.get(1), "resolve", Map.of("by", "alice"));
        assertEquals(HttpStatus.CONFLICT, again.status());
        assertEquals("ALREADY_RESOLVED", again.body().get("rejection"));
    }

    @Test
    @Order(4)
    void withoutAVerdictTheAnswerIs202AndTheCommandStillApplies() {
        String key = firingOnB.get(2);
        Answer answer = post(httpB, key, "ack", Map.of("by", "carol"));
        assertEquals(HttpStatus.ACCEPTED, answer.status(), "B does not wait for verdicts");
        assertNull(answer.body().get("outcome"));
        assertNotNull(answer.body().get("command_id"));
        await("the ack applied anyway", () -> get(key), s -> "ACKNOWLEDGED".equals(s.get("state")));
        MeterRegistry meters = a.getBean(MeterRegistry.class);
        assertTrue(meters.counter("gds_alerting_command_verdicts_total", "answer", "rejected").count() >= 4,
                "rejections are counted");
        assertEquals(1.0, b.getBean(MeterRegistry.class).counter("gds_alerting_command_verdicts_total", "answer",
                "not_awaited").count());
    }

    /**
     * The reader on its own, on the broker: a verdict that never comes is null once the wait is
     * over; a verdict of an aborted transaction is never delivered (read_committed), the committed
     * one after it is; the number of waiting requests is bounded.
     */
    @Test
    @Order(5)
    void theVerdictReaderDeliversCommittedVerdictsOnlyAndBoundsTheWaiting() throws Exception {
        AlertingSettings settings = new AlertingSettings();
        settings.setCommandVerdictMaxWaiting(2);
        try (CommandVerdicts verdicts = new CommandVerdicts(a.getBean(KafkaClientProperties.class), settings,
                new SimpleMeterRegistry())) {
            CompletableFuture<CommandResult> never = verdicts.expect("never-answered", Duration.ofSeconds(30));
            assertNotNull(never);
            assertNull(verdicts.await("never-answered", never, Duration.ofMillis(300)), "no verdict: null after the wait");

            CompletableFuture<CommandResult> aborted = verdicts.expect("aborted", Duration.ofSeconds(30));
            CompletableFuture<CommandResult> committed = verdicts.expect("committed", Duration.ofSeconds(30));
            assertNull(verdicts.expect("one-too-many", Duration.ofSeconds(30)), "at most 2 wait");
            try (KafkaProducer<String, CommandResult> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "verdicts-it-" + UUID.randomUUID()), new StringSerializer(),
                    AvroSerdes.valueSerde(CommandResult.class, Map.of("schema.registry.url", REGISTRY)).serializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPICS.commandResults(), 0, "k", result("aborted")));
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPICS.commandResults(), 0, "k", result("committed")));
                producer.commitTransaction();
            }
            CommandResult delivered = verdicts.await("committed", committed, Duration.ofSeconds(60));
            assertNotNull(delivered, "the committed verdict");
            assertEquals("committed", delivered.getCommandId());
            assertFalse(aborted.isDone(), "the aborted one, before it on the same partition, was skipped");
            verdicts.forget("aborted");
        }
    }

    /**
     * A rule with {@code by: [database]}: each database of pg-1 is its own alert, found, listed and
     * acknowledged by its extended key (URL-encoded as one path segment; the value "sales/eu" is
     * percent-encoded inside the key, so it is encoded twice on the URL), and acknowledging one
     * leaves the other firing.
     */
    @Test
    @Order(6)
    void aSeriesOfARuleWithByIsAckedByItsExtendedKeyAndTheOtherSeriesStaysFiring() {
        String orders = "xid:pg-1:xid_wraparound_age{database=orders}";
        String sales = "xid:pg-1:xid_wraparound_age{database=sales%2Feu}";
        await("both breaching databases fire", () -> java.util.Arrays.asList(get(orders), get(sales)),
                alerts -> alerts.stream().allMatch(alert -> alert != null && "FIRING".equals(alert.get("state"))));
        assertNull(get("xid:pg-1:xid_wraparound_age{database=billing}"), "the healthy database has no alert");
        assertEquals(sales, get(sales).get("alert_key"));

        Answer answer = post(httpA, sales, "ack", Map.of("by", "alice", "comment", "vacuum freeze running"));

        assertEquals(HttpStatus.OK, answer.status(), answer.body().toString());
        assertEquals("ACKNOWLEDGED", answer.body().get("state"));
        assertEquals("ACKNOWLEDGED", get(sales).get("state"));
        assertEquals("FIRING", get(orders).get("state"), "acknowledging one database leaves the other firing");
        Answer unknown = post(httpA, "xid:pg-1:xid_wraparound_age{database=billing}", "ack", Map.of("by", "alice"));
        assertEquals(HttpStatus.NOT_FOUND, unknown.status(), "no alert for the healthy database: " + unknown.body());
    }

    private static String path(String key) {
        return java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static CommandResult result(String commandId) {
        return CommandResult.newBuilder().setCommandId(commandId).setAlertKey("k").setType(CommandType.ACKNOWLEDGE)
                .setBy("it").setOutcome(CommandOutcome.APPLIED).setProcessedAt(Instant.now()).build();
    }

    /** An answer to a write: status and JSON body. */
    record Answer(HttpStatus status, Map<String, Object> body) {
    }

    private static Answer post(HttpClient client, String key, String verb, Map<String, Object> body) {
        try {
            HttpResponse<Map<String, Object>> r = client.toBlocking().exchange(
                    HttpRequest.POST("/api/v1/alerts/" + path(key) + "/" + verb, body), Argument.mapOf(String.class, Object.class),
                    Argument.of(String.class));
            return new Answer(r.getStatus(), r.body());
        } catch (HttpClientResponseException e) {
            return new Answer(e.getStatus(), TestServices.problem(e));
        }
    }

    private static Map<String, Object> get(String key) {
        try {
            return httpA.toBlocking().retrieve(HttpRequest.GET("/api/v1/alerts/" + path(key)), Argument.mapOf(String.class, Object.class));
        } catch (HttpClientResponseException e) {
            return null;
        }
    }

    private static Metric metric(String instance, String name, double value, Instant at, String database) {
        return Metric.newBuilder().setTimestamp(at).setDatabaseType("postgresql").setInstanceId(instance).setMetricName(name)
                .setValue(value).setTags(Map.of("environment", "prod", "database", database))
                .setMetadata(new MetricMetadata(1L, "it", "c")).build();
    }

    private static Metric metric(String instance, String name, double value, Instant at) {
        return Metric.newBuilder().setTimestamp(at).setDatabaseType("postgresql").setInstanceId(instance).setMetricName(name)
                .setValue(value).setTags(Map.of("environment", "prod")).setMetadata(new MetricMetadata(1L, "it", "c")).build();
    }

    private static <T extends SpecificRecord> void send(String topic, String key, T value) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) value.getClass();
        try (KafkaProducer<String, T> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), AvroSerdes.valueSerde(type, Map.of("schema.registry.url", REGISTRY)).serializer())) {
            producer.send(new ProducerRecord<>(topic, key, value));
        }
    }

    private static HttpStatus status(Runnable call) {
        try {
            call.run();
            return HttpStatus.OK;
        } catch (HttpClientResponseException e) {
            return e.getStatus();
        }
    }

    private static <T> T await(String what, Supplier<T> attempt, Predicate<T> condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Object last = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = attempt.get();
                if (condition.test(value)) {
                    return value;
                }
                last = value;
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
        fail(what + " did not happen; last " + last);
        return null;
    }
}
