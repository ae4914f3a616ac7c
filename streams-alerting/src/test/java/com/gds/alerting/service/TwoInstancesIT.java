package com.gds.alerting.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
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

import com.gds.alerting.avro.AnomalyAlgorithm;
import com.gds.alerting.avro.AnomalySeasonality;
import com.gds.alerting.avro.AnomalySpec;
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.ForecastSpec;
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
import com.gds.alerting.contract.AlertKeys;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;
import com.gds.alerting.service.api.AlertPage;
import com.gds.alerting.service.api.AlertView;

/**
 * Two service instances sharing one application id over a 6-partition metrics topic, on the
 * in-process broker: any instance answers for every alert, writes through one are seen through
 * the other, auth and validation hold, and when one stops the other serves all its alerts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesIT {

    private static final String SCOPE = "two-instances-" + UUID.randomUUID();
    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String METRICS = TOPICS.metricsTopic("postgresql", "prod");
    private static final String READ = "read-token-" + UUID.randomUUID();
    private static final String WRITE = "write-token-" + UUID.randomUUID();
    private static final int INSTANCES = 12;

    private static EmbeddedKafkaBroker broker;
    private static ApplicationContext a;
    private static ApplicationContext b;
    private static HttpClient clientA;
    private static HttpClient clientB;
    private static final List<String> keys = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        AvroClassTrust.install();
        broker = EmbeddedKafkaBroker.startTemporary();
        TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(METRICS), 6);
        send(TOPICS.rules(), "lag", Rule.newBuilder().setRuleId("lag").setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector("replication_lag_seconds", List.of()))
                .setConditions(List.of(new Condition(Severity.CRITICAL, Comparison.GT, 30.0, null))).build());
        send(TOPICS.rules(), "availability", Rule.newBuilder().setRuleId("availability").setKind(RuleKind.SLO)
                .setSelector(new Selector("up", List.of()))
                .setSlo(com.gds.alerting.avro.SloSpec.newBuilder().setSli(com.gds.alerting.avro.SliKind.THRESHOLD)
                        .setGoodOp(Comparison.EQ).setGoodThreshold(1.0).setObjective(0.999)
                        .setPeriodMs(Duration.ofDays(30).toMillis()).build())
                .build());
        send(TOPICS.rules(), "conn", Rule.newBuilder().setRuleId("conn").setKind(RuleKind.ANOMALY)
                .setSelector(new Selector("connections", List.of())).setBy(List.of("database"))
                .setAnomaly(AnomalySpec.newBuilder().setAlgorithm(AnomalyAlgorithm.ADAPTIVE)
                        .setSeasonality(AnomalySeasonality.NONE).setMinHistoryMs(0L).build())
                .build());
        send(TOPICS.rules(), "disk", Rule.newBuilder().setRuleId("disk").setKind(RuleKind.FORECAST)
                .setSelector(new Selector("disk_free_bytes", List.of()))
                .setForecast(ForecastSpec.newBuilder().setLimit(0).setOp(Comparison.LT).setWindowMs(Duration.ofHours(1).toMillis())
                        .setHorizonMs(Duration.ofHours(4).toMillis()).setMinSamples(3).build())
                .build());
        a = service("a");
        b = service("b");
        clientA = HttpClient.create(a.getBean(EmbeddedServer.class).getURL());
        clientB = HttpClient.create(b.getBean(EmbeddedServer.class).getURL());
        for (HttpClient client : List.of(clientA, clientB)) {
            for (String rule : List.of("lag", "availability", "conn", "disk")) {
                await("the rule table holds " + rule, () -> client.toBlocking().exchange(
                        HttpRequest.GET("/api/v1/rules/" + rule).bearerAuth(READ), String.class).getStatus(), s -> s == HttpStatus.OK);
            }
        }
        Instant now = Instant.now().minusSeconds(10);
        int[] perPartition = new int[6];
        for (int i = 0; keys.size() < INSTANCES; i++) {
            String instance = "pg-prod-" + i;
            int partition = partitionOf(instance);
            if (perPartition[partition] == INSTANCES / 6) {
                continue;
            }
            perPartition[partition]++;
            send(METRICS, instance, Metric.newBuilder().setTimestamp(now).setDatabaseType("postgresql").setInstanceId(instance)
                    .setMetricName("replication_lag_seconds").setValue(45).setTags(Map.of("environment", "prod"))
                    .setMetadata(new MetricMetadata(1L, "it", "c")).build());
            keys.add("lag:" + instance + ":replication_lag_seconds");
            for (int sample = 0; sample < 2; sample++) {
                send(METRICS, instance, Metric.newBuilder().setTimestamp(now.plusSeconds(sample)).setDatabaseType("postgresql")
                        .setInstanceId(instance).setMetricName("up").setValue(sample == 0 ? 1 : 0)
                        .setTags(Map.of("environment", "prod")).setMetadata(new MetricMetadata(1L, "it", "c")).build());
            }
        }
    }

    @AfterAll
    static void stop() {
        for (ApplicationContext context : new ApplicationContext[] {a, b}) {
            if (context != null && context.isRunning()) {
                context.close();
            }
        }
        broker.close();
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    private static ApplicationContext service(String name) {
        Map<String, Object> props = TestServices.properties(broker.bootstrapServers(), InMemorySchemaRegistry.SCHEME + SCOPE, name);
        props.put("kafka.session.timeout.ms", "6000");
        props.put("kafka.heartbeat.interval.ms", "1000");
        props.put("gds.alerting.command-verdict-timeout", "30s");
        props.put("gds.auth.tokens.reader.token", READ);
        props.put("gds.auth.tokens.reader.rights", List.of("read"));
        props.put("gds.auth.tokens.writer.token", WRITE);
        props.put("gds.auth.tokens.writer.rights", List.of("read", "write"));
        return TestServices.start(props);
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> void send(String topic, String key, T value) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) value.getClass();
        try (KafkaProducer<String, T> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), AvroSerdes.valueSerde(type, Map.of("schema.registry.url",
                        InMemorySchemaRegistry.SCHEME + SCOPE)).serializer())) {
            producer.send(new ProducerRecord<>(topic, key, value));
        }
    }

    /** The partition the producers' default partitioner gives an instance's metrics. */
    private static int partitionOf(String instance) {
        return Utils.toPositive(Utils.murmur2(instance.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % 6;
    }

    private static AlertPage list(HttpClient client) {
        return client.toBlocking().retrieve(HttpRequest.GET("/api/v1/alerts?rule_id=lag&limit=1000").bearerAuth(READ), AlertPage.class);
    }

    /** Polls until {@code condition} holds; answers 503 count as "not yet", anything else fails. */
    private static <T> T await(String what, Supplier<T> attempt, java.util.function.Predicate<T> condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        T last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = attempt.get();
                if (condition.test(last)) {
                    return last;
                }
            } catch (HttpClientResponseException e) {
                if (e.getStatus() == HttpStatus.NOT_FOUND && (what.startsWith("the rule table") || what.startsWith("SLO of")
                        || what.startsWith("baseline of") || what.startsWith("forecast of"))) {
                    continue;
                }
                assertEquals(HttpStatus.SERVICE_UNAVAILABLE, e.getStatus(), what + ": only 503 may answer while state moves");
                assertNotNull(e.getResponse().getHeaders().get("Retry-After"), "a 503 says when to retry");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
        fail(what + " did not happen; last answer " + last);
        return null;
    }

    @Test
    @Order(1)
    void eachInstanceListsTheAlertsOfEveryPartition() {
        AlertPage viaA = await("12 alerts via A", () -> list(clientA), p -> p.total() == INSTANCES);
        AlertPage viaB = await("12 alerts via B", () -> list(clientB), p -> p.total() == INSTANCES);
        assertEquals(viaA.items().stream().map(AlertView::alertKey).sorted().toList(),
                viaB.items().stream().map(AlertView::alertKey).sorted().toList());
        AlertPage second = clientB.toBlocking().retrieve(
                HttpRequest.GET("/api/v1/alerts?rule_id=lag&offset=5&limit=5").bearerAuth(READ), AlertPage.class);
        assertEquals(INSTANCES, second.total());
        assertEquals(viaA.items().subList(5, 10).stream().map(AlertView::alertKey).toList(),
                second.items().stream().map(AlertView::alertKey).toList(),
                "a page merged from each instance's own first offset+limit equals that slice of the whole list");
        long partitions = keys.stream().map(k -> partitionOf(k.split(":")[1])).distinct().count();
        assertEquals(6, partitions, "two alerts on every partition");
    }

    @Test
    @Order(2)
    void eachInstanceAnswersForEveryKeyLocallyOrByForwarding() {
        for (String key : keys) {
            for (HttpClient client : List.of(clientA, clientB)) {
                AlertView alert = client.toBlocking().retrieve(HttpRequest.GET("/api/v1/alerts/" + key).bearerAuth(READ),
                        AlertView.class);
                assertEquals(key, alert.alertKey());
                assertEquals("FIRING", alert.state());
            }
        }
        HttpClientResponseException missing = assertThrowsHttp(() -> clientA.toBlocking().exchange(
                HttpRequest.GET("/api/v1/alerts/lag:pg-prod-99:replication_lag_seconds").bearerAuth(READ)));
        assertEquals(HttpStatus.NOT_FOUND, missing.getStatus());
    }

    @Test
    @Order(2)
    void eachInstanceAnswersForTheSloOfEveryInstance() {
        for (String key : keys) {
            String instance = key.split(":")[1];
            for (HttpClient client : List.of(clientA, clientB)) {
                Map<String, Object> slo = await("SLO of " + instance, () -> client.toBlocking().retrieve(
                        HttpRequest.GET("/api/v1/slo/availability/" + instance).bearerAuth(READ),
                        Argument.mapOf(String.class, Object.class)), m -> m.get("windows") != null);
                assertEquals(0.999, ((Number) slo.get("objective")).doubleValue());
                List<?> windows = (List<?>) slo.get("windows");
                assertTrue(windows.size() >= 2, "burn-rate windows and the period: " + slo);
            }
        }
        assertEquals(HttpStatus.NOT_FOUND, assertThrowsHttp(() -> clientA.toBlocking().exchange(
                HttpRequest.GET("/api/v1/slo/nope/pg-prod-0").bearerAuth(READ))).getStatus());
    }

    /**
     * An anomaly rule's baseline and a forecast rule's trend window, for a series on every partition, through
     * both instances: each answers for the keys the other owns by forwarding (the anomaly keys carry a
     * {@code {database=...}} suffix with a space, so the forward must encode the path segment).
     */
    @Test
    @Order(2)
    void eachInstanceAnswersForTheBaselineOfEverySeries() {
        Instant start = Instant.now().minus(Duration.ofMinutes(20)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<ProducerRecord<String, Metric>> samples = new ArrayList<>();
        for (String key : keys) {
            String instance = key.split(":")[1];
            for (int i = 0; i < 12; i++) {
                samples.add(sample(instance, "connections", Map.of("environment", "prod", "database", "orders db"),
                        start.plus(Duration.ofMinutes(i)), i % 2 == 0 ? 100 : 102));
            }
            for (int i = 0; i < 4; i++) {
                samples.add(sample(instance, "disk_free_bytes", Map.of("environment", "prod"), start.plus(Duration.ofMinutes(i)),
                        1000 - 100 * i));
            }
        }
        sendAll(samples);
        for (String key : keys) {
            String instance = key.split(":")[1];
            String conn = AlertKeys.of("conn", instance, "connections", List.of("database"), t -> "orders db");
            String disk = AlertKeys.of("disk", instance, "disk_free_bytes");
            for (HttpClient client : List.of(clientA, clientB)) {
                Map<String, Object> view = await("baseline of " + conn, () -> client.toBlocking().retrieve(
                        HttpRequest.GET("/api/v1/alerts/" + segment(conn) + "/baseline").bearerAuth(READ),
                        Argument.mapOf(String.class, Object.class)),
                        m -> ((Number) ((Map<?, ?>) m.get("anomaly")).get("samples")).intValue() == 12);
                assertEquals(conn, view.get("alert_key"));
                assertEquals("ANOMALY", view.get("kind"));
                Map<?, ?> anomaly = (Map<?, ?>) view.get("anomaly");
                assertEquals("ADAPTIVE", anomaly.get("algorithm"));
                assertEquals("NONE", anomaly.get("seasonality"));
                assertEquals("UTC", anomaly.get("time_zone"));
                assertEquals("JUDGING", anomaly.get("state"));
                assertEquals(start.toString(), anomaly.get("first_sample_at"));
                List<?> buckets = (List<?>) anomaly.get("buckets");
                assertEquals(1, buckets.size(), "no seasonality: one bucket");
                Map<?, ?> bucket = (Map<?, ?>) buckets.get(0);
                double expected = number(bucket, "expected");
                double scale = number(bucket, "scale");
                assertEquals(101, expected, 1e-9, "the mean of 100, 102, 100, ...");
                assertEquals(1, scale, 1e-9, "their standard deviation");
                double centre = number(bucket, "band_expected");
                assertEquals(expected + number(anomaly, "offset"), centre, 1e-9, "the band is centred on expected + offset");
                assertEquals(centre - 3 * scale, number(bucket, "lower"), 1e-9, "bounds 3: the band is 3 sigma wide each side");
                assertEquals(centre + 3 * scale, number(bucket, "upper"), 1e-9);

                Map<String, Object> trend = await("forecast of " + disk, () -> client.toBlocking().retrieve(
                        HttpRequest.GET("/api/v1/alerts/" + disk + "/baseline").bearerAuth(READ),
                        Argument.mapOf(String.class, Object.class)),
                        m -> ((Number) ((Map<?, ?>) m.get("forecast")).get("samples")).intValue() == 4);
                assertEquals("FORECAST", trend.get("kind"));
                Map<?, ?> forecast = (Map<?, ?>) trend.get("forecast");
                assertEquals(-100 / 60.0, number(forecast, "slope_per_second"), 1e-9, "100 bytes less a minute");
                assertEquals(700, number(forecast, "intercept"), 1e-9, "the line at the newest sample");
                assertEquals(420, number(forecast, "seconds_to_cross"), 1e-6, "700 bytes at 100 a minute");
                assertEquals(start.plus(Duration.ofMinutes(3)).plusSeconds(420).toString(), forecast.get("predicted_crossing_at"));
                assertEquals(true, forecast.get("within_horizon"));
            }
        }
        HttpClientResponseException threshold = assertThrowsHttp(() -> clientB.toBlocking().exchange(
                HttpRequest.GET("/api/v1/alerts/" + keys.get(0) + "/baseline").bearerAuth(READ),
                Argument.of(String.class), Argument.of(String.class)));
        assertEquals(HttpStatus.NOT_FOUND, threshold.getStatus());
        assertTrue(String.valueOf(TestServices.problem(threshold).get("detail")).contains("is a THRESHOLD rule"),
                TestServices.problem(threshold).toString());
        HttpClientResponseException unseen = assertThrowsHttp(() -> clientA.toBlocking().exchange(
                HttpRequest.GET("/api/v1/alerts/disk:pg-prod-99:disk_free_bytes/baseline").bearerAuth(READ),
                Argument.of(String.class), Argument.of(String.class)));
        assertEquals(HttpStatus.NOT_FOUND, unseen.getStatus());
        assertTrue(String.valueOf(TestServices.problem(unseen).get("detail")).contains("no forecast window"),
                TestServices.problem(unseen).toString());
        assertEquals(HttpStatus.NOT_FOUND, assertThrowsHttp(() -> clientA.toBlocking().exchange(
                HttpRequest.GET("/api/v1/alerts/nope:pg-prod-0:x/baseline").bearerAuth(READ))).getStatus());
        assertEquals(HttpStatus.UNAUTHORIZED, assertThrowsHttp(() -> clientA.toBlocking().exchange(
                HttpRequest.GET("/api/v1/alerts/" + AlertKeys.of("disk", "pg-prod-0", "disk_free_bytes") + "/baseline")))
                .getStatus());
    }

    private static double number(Map<?, ?> map, String field) {
        Object value = map.get(field);
        assertNotNull(value, field + " in " + map);
        return ((Number) value).doubleValue();
    }

    private static ProducerRecord<String, Metric> sample(String instance, String metric, Map<String, String> tags, Instant at,
                                                         double value) {
        return new ProducerRecord<>(METRICS, instance, Metric.newBuilder().setTimestamp(at).setDatabaseType("postgresql")
                .setInstanceId(instance).setMetricName(metric).setValue(value).setTags(tags)
                .setMetadata(new MetricMetadata(1L, "it", "c")).build());
    }

    private static void sendAll(List<ProducerRecord<String, Metric>> records) {
        try (KafkaProducer<String, Metric> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), AvroSerdes.valueSerde(Metric.class, Map.of("schema.registry.url",
                        InMemorySchemaRegistry.SCHEME + SCOPE)).serializer())) {
            records.forEach(producer::send);
        }
    }

    /** One path segment, as the service encodes a forwarded key. */
    private static String segment(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Test
    @Order(2)
    void sortedFilteredAndCountedListsAndTheSloListSpanBothInstances() {
        AlertPage all = await("12 alerts via A", () -> list(clientA), p -> p.total() == INSTANCES);
        List<String> byInstance = all.items().stream().map(AlertView::instanceId).sorted().toList();
        List<String> descending = all.items().stream().map(AlertView::instanceId).sorted(java.util.Comparator.reverseOrder()).toList();
        for (HttpClient client : List.of(clientA, clientB)) {
            AlertPage sorted = client.toBlocking().retrieve(HttpRequest.GET("/api/v1/alerts?rule_id=lag&sort=instance&limit=1000")
                    .bearerAuth(READ), AlertPage.class);
            assertEquals(byInstance, sorted.items().stream().map(AlertView::instanceId).toList(), "sort=instance across instances");
            AlertPage slice = client.toBlocking().retrieve(HttpRequest.GET("/api/v1/alerts?rule_id=lag&sort=-instance&offset=3&limit=4")
                    .bearerAuth(READ), AlertPage.class);
            assertEquals(descending.subList(3, 7), slice.items().stream().map(AlertView::instanceId).toList(),
                    "a page of a sorted fan-out is that slice of the whole sorted list");
            assertEquals(Map.of("CRITICAL", INSTANCES, "HIGH", 0, "WARNING", 0, "INFO", 0), slice.severityCounts(),
                    "counts are summed over the instances, every severity counted, zeros included");
            String instance = byInstance.get(5);
            AlertPage found = client.toBlocking().retrieve(HttpRequest.GET("/api/v1/alerts?rule_id=lag&q=" + instance.toUpperCase())
                    .bearerAuth(READ), AlertPage.class);
            assertEquals(1, found.total(), "q " + instance);

            Map<String, Object> slos = await("every SLO via one instance", () -> client.toBlocking().retrieve(
                    HttpRequest.GET("/api/v1/slo?limit=1000").bearerAuth(READ), Argument.mapOf(String.class, Object.class)),
                    m -> ((Number) m.get("total")).intValue() == INSTANCES);
            assertEquals(INSTANCES, ((List<?>) slos.get("items")).size());
        }
    }

    @Test
    @Order(3)
    void anAckThroughOneInstanceIsVisibleThroughTheOther() {
        String key = keys.get(3);
        HttpResponse<Map<String, Object>> accepted = clientA.toBlocking().exchange(
                HttpRequest.POST("/api/v1/alerts/" + key + "/ack", Map.of("by", "alice", "comment", "on it")).bearerAuth(WRITE),
                Argument.mapOf(String.class, Object.class));
        assertEquals(HttpStatus.OK, accepted.getStatus(), "the topology's verdict: applied");
        assertEquals("APPLIED", accepted.body().get("outcome"));
        assertNotNull(accepted.body().get("command_id"));
        AlertView acked = await("ack visible via B", () -> clientB.toBlocking().retrieve(
                HttpRequest.GET("/api/v1/alerts/" + key).bearerAuth(READ), AlertView.class),
                v -> v.state().equals("ACKNOWLEDGED"));
        assertEquals("alice", acked.acknowledgedBy());
        for (HttpClient client : List.of(clientA, clientB)) {
            List<Map<String, Object>> history = await("the ack in the history", () -> client.toBlocking().retrieve(
                    HttpRequest.GET("/api/v1/alerts/" + key + "/history").bearerAuth(READ),
                    Argument.listOf(Argument.mapOf(String.class, Object.class))), h -> h.size() == 2);
            assertEquals(List.of("FIRED", "ACKNOWLEDGED"), history.stream().map(e -> e.get("transition")).toList());
        }
    }

    @Test
    @Order(4)
    void requestsWithoutTheRightTokenAreRefused() {
        assertEquals(HttpStatus.UNAUTHORIZED, assertThrowsHttp(() -> clientA.toBlocking().exchange(
                HttpRequest.GET("/api/v1/alerts"))).getStatus());
        assertEquals(HttpStatus.UNAUTHORIZED, assertThrowsHttp(() -> clientA.toBlocking().exchange(
                HttpRequest.GET("/api/v1/alerts").bearerAuth("wrong"))).getStatus());
        assertEquals(HttpStatus.FORBIDDEN, assertThrowsHttp(() -> clientA.toBlocking().exchange(
                HttpRequest.POST("/api/v1/alerts/" + keys.get(0) + "/ack", Map.of("by", "mallory")).bearerAuth(READ))).getStatus());
        assertEquals(HttpStatus.OK, clientA.toBlocking().exchange(HttpRequest.GET("/health")).getStatus(),
                "health needs no token");
        String openApi = clientA.toBlocking().retrieve(HttpRequest.GET("/openapi/gds-alerting-v1.yml"));
        assertTrue(openApi.contains("/api/v1/alerts/{alertKey}/ack") && openApi.contains("/api/v1/silences"),
                "the OpenAPI document describes the API");
    }

    @Test
    @Order(5)
    void badBodiesAreRefusedNamingTheField() {
        HttpClientResponseException e = assertThrowsHttp(() -> clientA.toBlocking().exchange(
                HttpRequest.POST("/api/v1/alerts/" + keys.get(0) + "/ack", Map.of("comment", "who am I")).bearerAuth(WRITE),
                Argument.of(String.class), Argument.of(String.class)));
        assertEquals(HttpStatus.BAD_REQUEST, e.getStatus());
        String body = e.getResponse().getBody(String.class).orElse("");
        assertTrue(body.contains("by"), body);

        HttpClientResponseException silence = assertThrowsHttp(() -> clientA.toBlocking().exchange(
                HttpRequest.POST("/api/v1/silences", Map.of("matchers", List.of(Map.of("label", "instance_id", "op", "=~",
                        "value", "pg-(")), "created_by", "alice", "comment", "maintenance")).bearerAuth(WRITE),
                Argument.of(String.class), Argument.of(String.class)));
        assertEquals(HttpStatus.BAD_REQUEST, silence.getStatus());
        String silenceBody = silence.getResponse().getBody(String.class).orElse("");
        assertTrue(silenceBody.contains("matchers[0].value"), silenceBody);
    }

    @Test
    @Order(5)
    void resolvedAlertsAreListedOnlyWhenAskedFor() {
        String instance = "pg-resolved-1";
        Instant now = Instant.now().minusSeconds(5);
        for (int sample = 0; sample < 2; sample++) {
            send(METRICS, instance, Metric.newBuilder().setTimestamp(now.plusSeconds(sample)).setDatabaseType("postgresql")
                    .setInstanceId(instance).setMetricName("replication_lag_seconds").setValue(sample == 0 ? 45 : 5)
                    .setTags(Map.of("environment", "prod")).setMetadata(new MetricMetadata(1L, "it", "c")).build());
        }
        String key = "lag:" + instance + ":replication_lag_seconds";
        for (HttpClient client : List.of(clientA, clientB)) {
            AlertPage resolved = await("the resolved alert listed", () -> client.toBlocking().retrieve(
                    HttpRequest.GET("/api/v1/alerts?rule_id=lag&state=resolved").bearerAuth(READ), AlertPage.class),
                    p -> p.total() == 1);
            assertEquals(key, resolved.items().get(0).alertKey());
            AlertPage open = list(client);
            assertEquals(INSTANCES, open.total(), "the default list: open alerts only");
            assertTrue(open.items().stream().noneMatch(v -> v.alertKey().equals(key)));
            assertEquals(null, open.stateCounts().get("RESOLVED"), "read from the open alerts: resolved ones are not counted");
            AlertPage every = client.toBlocking().retrieve(HttpRequest.GET(
                    "/api/v1/alerts?rule_id=lag&state=pending,firing,acknowledged,resolved&limit=1000").bearerAuth(READ), AlertPage.class);
            assertEquals(INSTANCES + 1, every.total());
            assertEquals(1, every.stateCounts().get("RESOLVED"));
        }
    }

    @Test
    @Order(6)
    void whenOneInstanceStopsTheOtherServesAllAlerts() {
        a.close();
        AlertPage all = await("B serves all 12 alerts", () -> list(clientB), p -> p.total() == INSTANCES);
        assertEquals(INSTANCES, all.items().stream().map(AlertView::alertKey).distinct().count(), "no alert lost or doubled");
        AlertView acked = clientB.toBlocking().retrieve(HttpRequest.GET("/api/v1/alerts/" + keys.get(3)).bearerAuth(READ),
                AlertView.class);
        assertEquals("ACKNOWLEDGED", acked.state(), "restored from the changelog with its ack");
    }

    private static HttpClientResponseException assertThrowsHttp(Runnable call) {
        try {
            call.run();
        } catch (HttpClientResponseException e) {
            return e;
        }
        throw new AssertionError("expected an HTTP error");
    }

}
