package com.gds.alerting.service.selfmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;
import com.gds.alerting.service.TestServices;
import com.gds.alerting.service.dispatch.DispatcherLifecycle;
import com.gds.alerting.service.dispatch.FakeNotificationService;

/**
 * The pipeline watching itself, in the real service on the in-process broker, with a real HTTP
 * stand-in for gds_notification: the watchdog beats while the pipeline is healthy and stops when
 * the dispatcher stops polling; a growing dead-letter topic, a silent metrics topic and a lagging
 * consumer each become an ordinary alert event on gds.alerts.events (and a notification, while the
 * dispatcher runs); an open circuit shows DEGRADED on /health. One broker and one service for the
 * class, tests in order (the later ones stop the dispatcher).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SelfMonitorServiceIT {

    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String SCOPE = "self-monitor-" + UUID.randomUUID();
    private static final String REGISTRY = InMemorySchemaRegistry.SCHEME + SCOPE;
    private static final String APP = "gds-alerting";
    private static final String DISPATCHER_GROUP = "gds-alerting-dispatcher";
    private static final String STAGING = TOPICS.metricsTopic("postgresql", "staging");
    private static final String SELF_TOPIC = TOPICS.metricsTopic("gds_alerting", "it");
    private static final Duration WATCHDOG_INTERVAL = Duration.ofSeconds(1);

    private static EmbeddedKafkaBroker broker;
    private static FakeNotificationService fake;
    private static ApplicationContext service;
    private static HttpClient http;
    private static JsonMapper json;
    private static KafkaConsumer<String, AlertEvent> events;
    private static final List<AlertEvent> seen = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        AvroClassTrust.install();
        broker = EmbeddedKafkaBroker.startTemporary();
        fake = new FakeNotificationService(0);
        TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(TOPICS.metricsTopic("postgresql", "prod"), STAGING), 2);
        // One sample on the staging topic, then nothing: it goes silent.
        send(STAGING, "pg-staging-1", metric("pg-staging-1"));

        Map<String, Object> props = TestServices.properties(broker.bootstrapServers(), REGISTRY, "self-monitor");
        props.put("micronaut.security.enabled", false);
        props.put("gds.dispatcher.base-url", fake.url());
        props.put("gds.dispatcher.auto-offset-reset", "earliest");
        props.put("gds.dispatcher.storm-enabled", false);
        props.put("gds.dispatcher.circuit-failure-threshold", 1);
        props.put("gds.dispatcher.circuit-open-duration", "300ms");
        props.put("gds.dispatcher.initial-backoff", "50ms");
        props.put("gds.dispatcher.max-backoff", "200ms");
        props.put("gds.watchdog.enabled", true);
        props.put("gds.watchdog.interval", WATCHDOG_INTERVAL.toMillis() + "ms");
        props.put("gds.watchdog.routing-key", "deadmans-switch");
        props.put("gds.watchdog.max-poll-age", "10s");
        props.put("gds.self-monitor.enabled", true);
        props.put("gds.self-monitor.interval", "1s");
        props.put("gds.self-monitor.environment", "it");
        props.put("gds.self-monitor.lag-threshold", 25);
        props.put("gds.self-monitor.lag-for", "0s");
        props.put("gds.self-monitor.dlq-window", "10m");
        props.put("gds.self-monitor.idle-after", "5s");
        service = TestServices.start(props);
        http = HttpClient.create(service.getBean(EmbeddedServer.class).getURL());
        json = service.getBean(JsonMapper.class);
        events = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "isolation.level", "read_committed"),
                new StringDeserializer(), AvroSerdes.valueSerde(AlertEvent.class, Map.of("schema.registry.url", REGISTRY))
                        .deserializer());
        List<TopicPartition> partitions = List.of(new TopicPartition(TOPICS.events(), 0), new TopicPartition(TOPICS.events(), 1));
        events.assign(partitions);
        events.seekToBeginning(partitions);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            TestServices.closeAll(events, http, service, fake, broker);
        } finally {
            InMemorySchemaRegistry.dropScope(SCOPE);
        }
    }

    @Test
    @Order(1)
    void watchdogBeatsReachGdsNotificationOncePerIntervalWhileThePipelineIsHealthy() {
        await("three watchdog beats", () -> watchdogs().size() >= 3);
        Set<String> ids = new HashSet<>();
        for (Map<String, Object> beat : watchdogs()) {
            assertEquals("gds-watchdog", beat.get("alert_name"));
            assertEquals(APP, beat.get("db_instance_id"));
            assertEquals("info", beat.get("severity"));
            assertEquals("deadmans-switch", beat.get("routing_key"));
            String id = (String) beat.get("message_id");
            assertTrue(id.startsWith("gds-watchdog:" + APP + ":"), id);
            Instant slot = Instant.parse(id.substring(("gds-watchdog:" + APP + ":").length()));
            assertEquals(0, slot.toEpochMilli() % WATCHDOG_INTERVAL.toMillis(), "the id names the interval: " + id);
            ids.add(id);
        }
        assertEquals(watchdogs().size(), ids.size(), "one message_id per interval");
    }

    @Test
    @Order(2)
    void theBuiltInRulesArePublishedAndTheSelfMetricsTopicHasTheMetricsPartitionCount() throws Exception {
        await("the built-in rules are in force", () -> {
            String rules = http.toBlocking().retrieve("/api/v1/rules");
            return rules.contains(BuiltInRules.LAG) && rules.contains(BuiltInRules.DEAD_LETTERS)
                    && rules.contains(BuiltInRules.IDLE_TOPIC);
        });
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            assertEquals(2, admin.describeTopics(List.of(SELF_TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(SELF_TOPIC).partitions().size());
        }
    }

    @Test
    @Order(3)
    void aDeadLetterTopicThatGrowsRaisesAnAlertThatIsNotified() throws Exception {
        String key = BuiltInRules.DEAD_LETTERS + ":" + TOPICS.dlqMetrics() + ":" + SelfFigures.DLQ_ADDED;
        assertTrue(fired(key).isEmpty(), "nothing fired before the dead letter");
        sendBytes(TOPICS.dlqMetrics(), "pg-prod-9", "not avro");

        await("the dead-letter alert fired", () -> !fired(key).isEmpty());
        AlertEvent event = fired(key).get(0);
        assertEquals(Severity.WARNING, event.getSeverity());
        assertEquals(1.0, event.getValue());
        await("and was notified", () -> notifications().stream().anyMatch(n -> BuiltInRules.DEAD_LETTERS.equals(n.get("alert_name"))
                && TOPICS.dlqMetrics().equals(n.get("db_instance_id"))));
    }

    @Test
    @Order(4)
    void aMetricsTopicThatReceivesNothingRaisesAnAlertThatResolvesWhenDataComesBack() throws Exception {
        String key = BuiltInRules.IDLE_TOPIC + ":" + STAGING + ":" + SelfFigures.TOPIC_IDLE;
        await("the idle-topic alert fired", () -> !fired(key).isEmpty());
        assertEquals(Severity.HIGH, fired(key).get(0).getSeverity());
        assertTrue(fired(key).get(0).getValue() > 5, "idle longer than idle-after: " + fired(key).get(0).getValue());

        send(STAGING, "pg-staging-1", metric("pg-staging-1"));
        await("it resolved once a record arrived", () -> events(key).stream()
                .anyMatch(e -> e.getTransition() == Transition.RESOLVED));
        assertTrue(events().stream().noneMatch(e -> e.getInstanceId().toString().equals(SELF_TOPIC)),
                "the self-metrics topic is not watched for silence");
    }

    @Test
    @Order(5)
    void anOpenCircuitShowsTheDispatcherDegradedOnHealthUntilGdsNotificationAnswersAgain() throws Exception {
        fake.answer(body -> FakeNotificationService.Answer.status(503, "{\"error\":\"maintenance\"}"));
        sendBytes(TOPICS.dlqRules(), "bad-rule", "not avro"); // a new alert whose notification meets the 503
        await("/health says DEGRADED", () -> health().body().contains("\"DEGRADED\""));
        Health degraded = health();
        assertEquals(200, degraded.code(), "degraded is operational: restarting would not bring gds_notification back");
        Map<String, Object> body = json.readValue(degraded.body(), Argument.mapOf(String.class, Object.class));
        assertEquals("DEGRADED", body.get("status"));
        Map<?, ?> dispatcher = (Map<?, ?>) ((Map<?, ?>) body.get("details")).get("notification-dispatcher");
        assertEquals("DEGRADED", dispatcher.get("status"), String.valueOf(dispatcher));
        assertTrue(((Number) ((Map<?, ?>) dispatcher.get("details")).get("waiting")).intValue() >= 1, String.valueOf(dispatcher));
        assertTrue(http.toBlocking().retrieve("/prometheus").contains("gds_dispatcher_notifications_waiting"));

        fake.answer(body2 -> FakeNotificationService.Answer.ok());
        await("delivered once it answers", () -> notifications().stream()
                .anyMatch(n -> TOPICS.dlqRules().equals(n.get("db_instance_id")) && n.get("status").equals(202)));
        await("/health is UP again", () -> health().body().contains("\"status\":\"UP\""));
    }

    @Test
    @Order(6)
    void theWatchdogStopsWhileTheDispatcherDoesNotPoll() {
        service.getBean(DispatcherLifecycle.class).dispatcher().close();
        await("a beat withheld", () -> withheld() >= 1);
        int beats = watchdogs().size();
        double withheldAt = withheld();
        await("three more intervals", () -> withheld() >= withheldAt + 3);
        assertEquals(beats, watchdogs().size(), "no watchdog while the dispatcher does not poll");
    }

    @Test
    @Order(7)
    void lagAboveTheThresholdRaisesAnAlert() throws Exception {
        assertFalse(service.getBean(DispatcherLifecycle.class).dispatcher().isRunning(), "stopped by the previous test");
        String key = BuiltInRules.LAG + ":" + DISPATCHER_GROUP + ":" + SelfFigures.CONSUMER_LAG;
        assertTrue(fired(key).isEmpty());
        // Lag is counted on the partitions the group has committed (as kafka-consumer-groups does): aim at one.
        int partition;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            partition = admin.listConsumerGroupOffsets(DISPATCHER_GROUP).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).keySet().iterator().next().partition();
        }
        for (int i = 0, sent = 0; sent < 40; i++) {
            String k = "lag-test:" + i;
            if (Utils.toPositive(Utils.murmur2(k.getBytes(StandardCharsets.UTF_8))) % 2 == partition) {
                send(TOPICS.events(), k, pending(k));
                sent++;
            }
        }
        await("the lag alert fired", () -> !fired(key).isEmpty());
        assertTrue(fired(key).get(0).getValue() > 25, "fired above the threshold: " + fired(key).get(0).getValue());
        assertEquals("dispatcher", fired(key).get(0).getLabels().get("group_kind"));
        assertTrue(selfMetrics().stream().anyMatch(m -> m.getMetricName().toString().equals(SelfFigures.CONSUMER_LAG)
                && m.getInstanceId().toString().equals(APP)), "the streams application's lag is measured too");
    }

    // ---------------------------------------------------------------- harness

    private static double withheld() {
        Counter c = service.getBean(MeterRegistry.class).find("gds.watchdog.beats").tag("outcome", "withheld").counter();
        return c == null ? 0 : c.count();
    }

    private record Health(int code, String body) {
    }

    private static Health health() {
        try {
            HttpResponse<String> r = http.toBlocking().exchange(HttpRequest.GET("/health"), String.class);
            return new Health(r.code(), r.body());
        } catch (HttpClientResponseException e) {
            return new Health(e.getStatus().getCode(), e.getResponse().getBody(String.class).orElse(""));
        }
    }

    /** Every request the stand-in received, parsed, with the status it answered under "status". */
    private static List<Map<String, Object>> notifications() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (FakeNotificationService.Request r : fake.requests()) {
            try {
                Map<String, Object> body = new java.util.HashMap<>(json.readValue(r.body(), Argument.mapOf(String.class, Object.class)));
                body.put("status", r.status());
                out.add(body);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    private static List<Map<String, Object>> watchdogs() {
        return notifications().stream().filter(n -> "gds-watchdog".equals(n.get("alert_name")) && n.get("status").equals(202))
                .toList();
    }

    private static List<AlertEvent> events() {
        for (ConsumerRecord<String, AlertEvent> r : events.poll(Duration.ofMillis(200))) {
            seen.add(r.value());
        }
        return seen;
    }

    private static List<AlertEvent> events(String key) {
        return events().stream().filter(e -> e.getAlertKey().toString().equals(key)).toList();
    }

    private static List<AlertEvent> fired(String key) {
        return events(key).stream().filter(e -> e.getTransition() == Transition.FIRED).toList();
    }

    private static List<Metric> selfMetrics() {
        try (KafkaConsumer<String, Metric> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new StringDeserializer(), AvroSerdes.valueSerde(Metric.class, Map.of("schema.registry.url", REGISTRY))
                        .deserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(SELF_TOPIC, 0), new TopicPartition(SELF_TOPIC, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<Metric> out = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            }
            return out;
        }
    }

    private static Metric metric(String instance) {
        return Metric.newBuilder().setTimestamp(Instant.now()).setDatabaseType("postgresql").setInstanceId(instance)
                .setMetricName("up").setValue(1).setTags(Map.of("environment", "staging"))
                .setMetadata(new MetricMetadata(1L, "it", "c")).build();
    }

    /** An event the dispatcher would not send (PENDING): only its place on the topic matters here. */
    private static AlertEvent pending(String key) {
        Instant now = Instant.now();
        return AlertEvent.newBuilder().setMessageId("lag-test-" + key).setAlertKey(key).setRuleId("lag-test")
                .setInstanceId(key).setMetricName("m").setDatabaseType("postgresql").setEnvironment("it")
                .setSeverity(Severity.INFO).setState(AlertState.PENDING).setTransition(Transition.PENDING).setIncident(1)
                .setReminderNumber(0).setValue(1.0).setThreshold(0.0).setStartedAt(now).setUpdatedAt(now)
                .setLabels(Map.of()).build();
    }

    private static <T extends SpecificRecord> void send(String topic, String key, T value) throws Exception {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) value.getClass();
        try (KafkaProducer<String, T> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), AvroSerdes.valueSerde(type, Map.of("schema.registry.url", REGISTRY)).serializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
        }
    }

    private static void sendBytes(String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
        fail(what + " did not happen within 90 s");
    }
}
