package com.gds.alerting.service.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;
import com.gds.alerting.service.TestServices;
import com.gds.alerting.service.dispatch.DispatcherLifecycle;
import com.gds.alerting.service.dispatch.FakeNotificationService;

/**
 * A shadow rule next to its live one on the real service, an in-process broker and a real HTTP
 * stand-in for gds_notification: the live rule's transitions are delivered, the shadow's never (they
 * are not even on the events topic); the alert list hides shadow alerts unless asked; and
 * {@code GET /api/v1/rules/{id}/shadow-diff} says, per series, where the two fired differently.
 */
class ShadowRulesIT {

    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String SCOPE = "shadow-rules-" + UUID.randomUUID();
    private static final String REGISTRY = InMemorySchemaRegistry.SCHEME + SCOPE;
    private static final String METRIC = "replication_lag_seconds";
    /** Event time of the first sample: in the past, so the wall clock never makes it late or early. */
    private static final Instant T = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);

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
        send(TOPICS.rules(), "lag", rule("lag", 30).build());
        send(TOPICS.rules(), "lag.shadow", rule("lag.shadow", 40).setShadow(true).setShadowOf("lag").build());

        Map<String, Object> props = TestServices.properties(broker.bootstrapServers(), REGISTRY, "shadow");
        props.put("gds.dispatcher.base-url", fake.url());
        props.put("gds.dispatcher.auto-offset-reset", "earliest");
        props.put("micronaut.security.enabled", false);
        service = TestServices.start(props);
        http = HttpClient.create(service.getBean(EmbeddedServer.class).getURL());
        await("the dispatcher runs", () -> service.getBean(DispatcherLifecycle.class).dispatcher().isRunning());
        await("both rules are in the rule table", () -> {
            try {
                String rules = http.toBlocking().retrieve("/api/v1/rules");
                return rules.contains("\"lag\"") && rules.contains("\"lag.shadow\"");
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            TestServices.closeAll(http, service, fake, broker);
        } finally {
            InMemorySchemaRegistry.dropScope(SCOPE);
        }
    }

    private static Rule.Builder rule(String id, double threshold) {
        return Rule.newBuilder().setRuleId(id).setKind(RuleKind.THRESHOLD).setSelector(new Selector(METRIC, List.of()))
                .setConditions(List.of(new Condition(Severity.CRITICAL, Comparison.GT, threshold, null)));
    }

    @Test
    void theShadowNeverNotifiesAndTheDiffSaysWhereItDiffersFromTheLiveRule() throws Exception {
        // pg-a: 35 fires only the live rule (> 30), 50 fires the shadow (> 40) 10 s later, 10 resolves both at once.
        // pg-b: 50 fires both at once, 10 resolves both: they agree. pg-c: 35 fires only the live rule.
        sample("pg-a", 35, T);
        sample("pg-a", 50, T.plusSeconds(10));
        sample("pg-a", 10, T.plusSeconds(20));
        sample("pg-b", 50, T);
        sample("pg-b", 10, T.plusSeconds(10));
        sample("pg-c", 35, T);
        sample("pg-c", 10, T.plusSeconds(10));

        String range = "?from=" + T.minusSeconds(60) + "&to=" + Instant.now().plusSeconds(600);
        await("every transition of both rules is on its topic", () -> {
            Map<?, ?> diff = http.toBlocking().retrieve(HttpRequest.GET("/api/v1/rules/lag.shadow/shadow-diff" + range), Map.class);
            return number(diff, "live_transitions") == 6 && number(diff, "shadow_transitions") == 4;
        });
        Map<?, ?> diff = http.toBlocking().retrieve(HttpRequest.GET("/api/v1/rules/lag.shadow/shadow-diff" + range), Map.class);
        assertEquals("lag", diff.get("live_rule_id"));
        assertEquals(false, diff.get("identical"));
        assertEquals(3, number(diff, "series_compared"));
        assertEquals(1, number(diff, "agreeing"), "pg-b");
        assertEquals(1, number(diff, "only_live"), "pg-c");
        assertEquals(1, number(diff, "different_times"), "pg-a");
        assertEquals(0, number(diff, "only_shadow"));
        List<?> series = (List<?>) diff.get("series");
        assertEquals(2, series.size(), series.toString());
        Map<?, ?> a = (Map<?, ?>) series.get(0);
        assertEquals("pg-a:" + METRIC, a.get("series"));
        Map<?, ?> later = (Map<?, ?>) ((List<?>) a.get("differences")).get(0);
        assertEquals("DIFFERENT_TIMES", later.get("kind"));
        assertEquals(10_000, number(later, "fired_delta_ms"), "the shadow fired 10 s after the live rule");
        assertEquals(0, number(later, "resolved_delta_ms"));
        assertEquals(T.toString(), ((Map<?, ?>) later.get("live")).get("fired_at"));
        assertEquals(T.plusSeconds(10).toString(), ((Map<?, ?>) later.get("shadow")).get("fired_at"));
        Map<?, ?> c = (Map<?, ?>) series.get(1);
        assertEquals("ONLY_LIVE", ((Map<?, ?>) ((List<?>) c.get("differences")).get(0)).get("kind"));

        Map<?, ?> byLiveId = http.toBlocking().retrieve(HttpRequest.GET("/api/v1/rules/lag/shadow-diff" + range), Map.class);
        assertEquals("lag.shadow", byLiveId.get("shadow_rule_id"), "a live rule with one shadow names it");

        await("the live rule's six transitions were delivered", () -> delivered("lag") == 6);
        assertEquals(0, delivered("lag.shadow"), "a shadow rule never reaches gds_notification");
        TransitionRangeReader reader = service.getBean(TransitionRangeReader.class);
        assertTrue(reader.read(TOPICS.events(), "lag.shadow", T.minusSeconds(60), Instant.now().plusSeconds(60), 10_000)
                .events().isEmpty(), "no shadow transition on the events topic the dispatcher reads");

        String live = http.toBlocking().retrieve("/api/v1/alerts?state=resolved");
        assertTrue(live.contains("\"rule_id\":\"lag\"") && !live.contains("lag.shadow"), "shadow alerts hidden by default: " + live);
        String shadow = http.toBlocking().retrieve("/api/v1/alerts?state=resolved&shadow=true");
        assertTrue(shadow.contains("lag.shadow") && shadow.contains("\"shadow\":true") && shadow.contains("\"shadow_of\":\"lag\"")
                && !shadow.contains("\"rule_id\":\"lag\""), shadow);
    }

    private static long delivered(String ruleId) {
        return fake.requests().stream().filter(r -> r.body() != null && r.body().contains("\"alert_name\":\"" + ruleId + "\""))
                .count();
    }

    private static long number(Map<?, ?> map, String key) {
        Object value = map.get(key);
        assertFalse(value == null, key + " missing in " + map);
        return ((Number) value).longValue();
    }

    private static void sample(String instance, double value, Instant at) throws Exception {
        send(TOPICS.metricsTopic("postgresql", "prod"), instance, Metric.newBuilder()
                .setTimestamp(at).setDatabaseType("postgresql").setInstanceId(instance)
                .setMetricName(METRIC).setValue(value).setTags(Map.of("environment", "prod"))
                .setMetadata(new MetricMetadata(1L, "it", "c")).build());
    }

    private static <T extends SpecificRecord> void send(String topic, String key, T value) throws Exception {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) value.getClass();
        try (KafkaProducer<String, T> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), AvroSerdes.valueSerde(type, Map.of("schema.registry.url", REGISTRY)).serializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(200);
        }
        fail(what + " did not happen within 90 s");
    }
}
