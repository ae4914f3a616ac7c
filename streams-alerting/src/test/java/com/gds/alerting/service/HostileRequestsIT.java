package com.gds.alerting.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
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
import com.gds.alerting.service.api.AlertPage;
import com.gds.alerting.service.limits.ListConcurrencyLimit;

/**
 * Issue 24, items 5, 6, 9, 11 and 12, against the real service on a real broker: a hostile silence
 * regex cannot stop evaluation, silences outside the limits are refused naming the field,
 * management endpoints are off, 401s say "Bearer", and a bad configuration refuses to start.
 */
class HostileRequestsIT {

    private static final String SCOPE = "hostile-requests-" + UUID.randomUUID();
    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String METRICS = TOPICS.metricsTopic("postgresql", "prod");
    private static final String READ = "read-token-" + UUID.randomUUID();
    private static final String WRITE = "write-token-" + UUID.randomUUID();

    private static EmbeddedKafkaBroker broker;
    private static ApplicationContext service;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        AvroClassTrust.install();
        broker = EmbeddedKafkaBroker.startTemporary();
        TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(METRICS), 2);
        send(TOPICS.rules(), "lag", Rule.newBuilder().setRuleId("lag").setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector("replication_lag_seconds", List.of()))
                .setConditions(List.of(new Condition(Severity.CRITICAL, Comparison.GT, 30.0, null))).build());
        service = TestServices.start(properties("hostile"));
        TestServices.awaitRunning(service);
        client = HttpClient.create(service.getBean(EmbeddedServer.class).getURL());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try {
                if (client.toBlocking().exchange(HttpRequest.GET("/api/v1/rules/lag").bearerAuth(READ), String.class)
                        .getStatus() == HttpStatus.OK) {
                    break;
                }
            } catch (HttpClientResponseException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            sleepBriefly();
        }
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (service != null && service.isRunning()) {
            service.close();
        }
        broker.close();
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void aCatastrophicSilenceRegexDoesNotStopEvaluation() {
        // With a backtracking engine this matcher takes O(n^12) steps on the 1,000-character label below.
        HttpResponse<String> created = client.toBlocking().exchange(silence(Map.of("matchers",
                List.of(Map.of("label", "note", "op", "=~", "value", ".*.*.*.*.*.*.*.*.*.*.*.*!")),
                "created_by", "mallory", "comment", "redos")), String.class);
        assertEquals(HttpStatus.CREATED, created.getStatus());
        Instant now = Instant.now().minusSeconds(5);
        for (int i = 0; i < 3; i++) {
            String instance = "pg-redos-" + i;
            send(METRICS, instance, Metric.newBuilder().setTimestamp(now).setDatabaseType("postgresql").setInstanceId(instance)
                    .setMetricName("replication_lag_seconds").setValue(45)
                    .setTags(Map.of("environment", "prod", "note", "a".repeat(1000)))
                    .setMetadata(new MetricMetadata(1L, "it", "c")).build());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try {
                AlertPage page = client.toBlocking().retrieve(HttpRequest.GET("/api/v1/alerts?rule_id=lag&limit=100")
                        .bearerAuth(READ), AlertPage.class);
                if (page.total() == 3) {
                    return;
                }
            } catch (HttpClientResponseException e) {
                if (e.getStatus() != HttpStatus.SERVICE_UNAVAILABLE) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                fail("the three breaching metrics were not evaluated: the silence's regex stopped evaluation");
            }
            sleepBriefly();
        }
    }

    static Stream<Arguments> refusedSilences() {
        Map<String, Object> base = Map.of("matchers", List.of(Map.of("label", "instance_id", "op", "=", "value", "pg-1")),
                "created_by", "alice", "comment", "maintenance");
        return Stream.of(
                Arguments.of("a matcher without a value", with(base, "matchers", List.of(Map.of("label", "a", "op", "=~"))),
                        "matchers[0].value: required"),
                Arguments.of("every matcher matches the empty string", with(base, "matchers",
                        List.of(Map.of("label", "a", "op", "=~", "value", ""))), "matchers: every matcher matches the empty string"),
                Arguments.of("ends_at in year 1,000,000,000", with(base, "ends_at", "+1000000000-12-31T23:59:59Z"), "ends_at: "),
                Arguments.of("a far-past starts_at", with(base, "starts_at", "-1000000000-01-01T00:00:00Z"), "starts_at: "),
                Arguments.of("a numeric ends_at (seconds or milliseconds?)", with(base, "ends_at", 1_800_000_000_000L),
                        "ends_at: "),
                Arguments.of("a 2 MB comment", with(base, "comment", "c".repeat(2 << 20)), "comment: "),
                Arguments.of("a regex RE2 refuses", with(base, "matchers",
                        List.of(Map.of("label", "a", "op", "=~", "value", "(x)\\1"))), "matchers[0].value: bad regular expression"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedSilences")
    void aSilenceOutsideTheLimitsIsA400NamingTheField(String why, Map<String, Object> body, String expected) {
        HttpClientResponseException e = assertThrows(HttpClientResponseException.class, () -> client.toBlocking().exchange(
                silence(body), Argument.of(String.class), Argument.of(String.class)), why);
        assertEquals(HttpStatus.BAD_REQUEST, e.getStatus(), why);
        String answer = e.getResponse().getBody(String.class).orElse("");
        // A problem body: invalid_params [{name, reason}]; expected is "name: start of the reason".
        String name = expected.substring(0, expected.indexOf(": "));
        String reason = expected.substring(expected.indexOf(": ") + 2);
        assertTrue(answer.contains("\"name\":\"" + name + "\"") && answer.contains(reason),
                why + ": " + answer.substring(0, Math.min(answer.length(), 500)));
    }

    /** Switched off: no route, so the path is unknown (404, a problem body) even to a valid token; never a 500. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/beans", "/routes", "/info", "/threaddump", "/metrics", "/loggers", "/env"})
    void managementEndpointsAreOffEvenWithAValidToken(String path) {
        HttpClientResponseException e = assertThrows(HttpClientResponseException.class,
                () -> client.toBlocking().exchange(HttpRequest.GET(path).bearerAuth(WRITE)));
        assertEquals(HttpStatus.NOT_FOUND, e.getStatus(), path);
        assertEquals("application/problem+json", e.getResponse().getContentType().map(Object::toString).orElse(""), path);
    }

    @Test
    void refreshIsOff() {
        HttpClientResponseException e = assertThrows(HttpClientResponseException.class,
                () -> client.toBlocking().exchange(HttpRequest.POST("/refresh", Map.of()).bearerAuth(WRITE)));
        assertEquals(HttpStatus.NOT_FOUND, e.getStatus());
    }

    /** Issue 24, item 7: alert lists beyond the concurrency limit are refused at once, and permits are never leaked. */
    @Test
    void aListBeyondTheConcurrencyLimitIsA503WithRetryAfter() {
        ListConcurrencyLimit limit = service.getBean(ListConcurrencyLimit.class);
        for (int i = 0; i < limit.limit() * 3; i++) {
            assertEquals(HttpStatus.OK, client.toBlocking().exchange(HttpRequest.GET("/api/v1/alerts").bearerAuth(READ),
                    String.class).getStatus(), "request " + i + ": every finished list gave its permit back");
        }
        int taken = 0;
        while (limit.tryAcquire()) {
            taken++;
        }
        try {
            HttpClientResponseException e = assertThrows(HttpClientResponseException.class,
                    () -> client.toBlocking().exchange(HttpRequest.GET("/api/v1/alerts").bearerAuth(READ)));
            assertEquals(HttpStatus.SERVICE_UNAVAILABLE, e.getStatus());
            assertTrue(e.getResponse().getHeaders().get("Retry-After").matches("\\d+"), e.getResponse().getHeaders().asMap().toString());
            assertEquals("application/problem+json", e.getResponse().getContentType().map(Object::toString).orElse(""));
        } finally {
            for (int i = 0; i < taken; i++) {
                limit.release();
            }
        }
        assertEquals(limit.limit(), taken, "no permit was held by a finished request");
        assertEquals(HttpStatus.OK, client.toBlocking().exchange(HttpRequest.GET("/api/v1/alerts").bearerAuth(READ),
                String.class).getStatus());
    }

    @Test
    void a401SaysBearer() {
        HttpClientResponseException e = assertThrows(HttpClientResponseException.class,
                () -> client.toBlocking().exchange(HttpRequest.GET("/api/v1/alerts")));
        assertEquals(HttpStatus.UNAUTHORIZED, e.getStatus());
        assertTrue(e.getResponse().getHeaders().get("WWW-Authenticate", String.class).orElse("").startsWith("Bearer"),
                e.getResponse().getHeaders().asMap().toString());
    }

    @Test
    void aTokenInTheQueryStringIsNotEchoedBack() {
        String secret = "query-secret-" + UUID.randomUUID();
        HttpClientResponseException e = assertThrows(HttpClientResponseException.class, () -> client.toBlocking().exchange(
                HttpRequest.GET("/api/v1/alerts?access_token=" + secret), Argument.of(String.class), Argument.of(String.class)));
        assertEquals(HttpStatus.UNAUTHORIZED, e.getStatus());
        String body = e.getResponse().getBody(String.class).orElse("");
        assertTrue(!body.contains(secret) && !e.getResponse().getHeaders().asMap().toString().contains(secret), body);
    }

    static Stream<Arguments> badConfigurations() {
        return Stream.of(
                Arguments.of(Map.of("gds.auth.tokens.bad.token", "x", "gds.auth.tokens.bad.rights", List.of("admin")),
                        "gds.auth.tokens.bad.rights"),
                Arguments.of(Map.of("gds.auth.tokens.bad.sha256", "not-hex"), "gds.auth.tokens.bad.sha256"),
                Arguments.of(Map.of("gds.auth.tokens.bad.sha256", "abcd"), "gds.auth.tokens.bad.sha256"),
                Arguments.of(Map.of("gds.auth.tokens.bad.rights", List.of("read")), "gds.auth.tokens.bad needs"),
                Arguments.of(Map.of("gds.console.series-concurrency", "0"), "seriesConcurrency"),
                Arguments.of(Map.of("gds.api.max-concurrent-lists", "0"), "gds.api.max-concurrent-lists"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badConfigurations")
    void aBadConfigurationRefusesToStartNamingTheKey(Map<String, Object> bad, String named) {
        Map<String, Object> props = properties("bad-config");
        props.putAll(bad);
        Exception e = assertThrows(Exception.class, () -> {
            ApplicationContext context = TestServices.start(props);
            context.close();
        });
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains(named), "expected the key " + named + " in\n" + messages);
    }

    private static Map<String, Object> properties(String name) {
        Map<String, Object> props = TestServices.properties(broker.bootstrapServers(), InMemorySchemaRegistry.SCHEME + SCOPE, name);
        props.put("gds.alerting.application-id", "hostile-" + name + "-" + UUID.randomUUID());
        props.put("gds.auth.tokens.reader.token", READ);
        props.put("gds.auth.tokens.reader.rights", List.of("read"));
        props.put("gds.auth.tokens.writer.token", WRITE);
        props.put("gds.auth.tokens.writer.rights", List.of("read", "write"));
        return props;
    }

    private static MutableHttpRequest<Map<String, Object>> silence(Map<String, Object> body) {
        return HttpRequest.POST("/api/v1/silences", body).bearerAuth(WRITE);
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
}
