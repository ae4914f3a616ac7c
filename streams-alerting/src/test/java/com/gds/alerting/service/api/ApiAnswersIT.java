package com.gds.alerting.service.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;

import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;
import com.gds.alerting.service.TestServices;
import com.gds.alerting.service.problem.Problems;

/**
 * Issue 23, "API answers", against the real service on a real broker: every error of every
 * controller is one {@code application/problem+json} body naming the offending field as the API
 * spells it; unknown filter values and out-of-bounds paging are 400s listing what is allowed; list
 * answers carry {@code items} and every count, zeros included; silence operators read back as
 * written.
 */
class ApiAnswersIT {

    private static final String SCOPE = "api-answers-" + UUID.randomUUID();
    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String READ = "read-token-" + UUID.randomUUID();
    private static final String WRITE = "write-token-" + UUID.randomUUID();
    /** What a client must never be shown: Java names, types, classes, stack frames. */
    private static final List<String> JAVA = List.of("java.", "class ", "body.", "createdBy", "Exception", "\tat ", "com.gds",
            "SilenceRequest", "CommandRequest", "Long", "Integer", "_links", "_embedded");

    private static EmbeddedKafkaBroker broker;
    private static ApplicationContext service;
    private static HttpClient client;
    private static JsonMapper json;

    @BeforeAll
    static void start() throws Exception {
        AvroClassTrust.install();
        broker = EmbeddedKafkaBroker.startTemporary();
        TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(TOPICS.metricsTopic("postgresql", "prod")), 2);
        Map<String, Object> props = TestServices.properties(broker.bootstrapServers(), InMemorySchemaRegistry.SCHEME + SCOPE,
                "api-answers");
        props.put("gds.alerting.application-id", "api-answers-" + UUID.randomUUID());
        props.put("gds.auth.tokens.reader.token", READ);
        props.put("gds.auth.tokens.reader.rights", List.of("read"));
        props.put("gds.auth.tokens.writer.token", WRITE);
        props.put("gds.auth.tokens.writer.rights", List.of("read", "write"));
        props.put(BoomController.ENABLED, "true");
        service = TestServices.start(props);
        TestServices.awaitRunning(service);
        client = HttpClient.create(service.getBean(EmbeddedServer.class).getURL());
        json = service.getBean(JsonMapper.class);
    }

    @AfterAll
    static void stop() throws Exception {
        TestServices.closeAll(client, service, broker);
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    static Stream<Arguments> errors() {
        Map<String, Object> silence = Map.of("matchers", List.of(Map.of("label", "instance_id", "op", "=", "value", "pg-1")),
                "created_by", "alice", "comment", "maintenance");
        return Stream.of(
                // why, request, status, the invalid parameter named (null: none), a text the detail or reason holds
                Arguments.of("an unknown state matches nothing: refused with the states", get("/api/v1/alerts?state=BOGUS"), 400,
                        "state", "pending, firing, acknowledged, resolved"),
                Arguments.of("an unknown severity, among known ones", get("/api/v1/alerts?severity=critical,crit"), 400,
                        "severity", "info, warning, high, critical"),
                Arguments.of("an unknown sort key", get("/api/v1/alerts?sort=bogus"), 400, "sort", "bogus"),
                Arguments.of("a limit above the maximum is refused, not clamped", get("/api/v1/alerts?limit=5000"), 400, "limit",
                        "between 1 and 1000"),
                Arguments.of("an offset above the maximum", get("/api/v1/alerts?offset=20000"), 400, "offset", "between 0 and 10000"),
                Arguments.of("a negative offset", get("/api/v1/slo?offset=-1"), 400, "offset", "between 0 and 10000"),
                Arguments.of("a limit of zero on the SLO list", get("/api/v1/slo?limit=0"), 400, "limit", "between 1 and 1000"),
                Arguments.of("a limit that is not a number", get("/api/v1/alerts?limit=abc"), 400, "limit", "is not an integer"),
                Arguments.of("a boolean that is not one", get("/api/v1/alerts?local=maybe"), 400, "local", "true or false"),
                Arguments.of("stale_ok that is not a boolean", get("/api/v1/alerts/a:b:c?stale_ok=yes"), 400, "stale_ok",
                        "true or false"),
                Arguments.of("a value range outside its bounds", get("/api/v1/alerts/a:b:c/values?minutes=0"), 400, "minutes", null),
                Arguments.of("a blank created_by", post("/api/v1/silences", with(silence, "created_by", "")), 400, "created_by", null),
                Arguments.of("an operator POST does not take", post("/api/v1/silences", with(silence, "matchers",
                        List.of(Map.of("label", "a", "op", "==", "value", "x")))), 400, "matchers[0].op", null),
                Arguments.of("matchers of the wrong JSON type", post("/api/v1/silences", with(silence, "matchers", "x")), 400,
                        "matchers", null),
                Arguments.of("a silence without created_by", post("/api/v1/silences", without(silence, "created_by")), 400,
                        "created_by", null),
                Arguments.of("a body that is not JSON", HttpRequest.POST("/api/v1/silences", "{\"matchers\": [")
                        .contentType(MediaType.APPLICATION_JSON_TYPE).bearerAuth(WRITE), 400, "body", "not valid JSON"),
                Arguments.of("an incident that is not a number", post("/api/v1/alerts/a:b:c/ack",
                        Map.of("by", "alice", "incident", "seven")), 400, "incident", null),
                Arguments.of("an ack without by", post("/api/v1/alerts/a:b:c/ack", Map.of("comment", "x")), 400, "by", null),
                Arguments.of("an unknown silence", HttpRequest.DELETE("/api/v1/silences/nope").bearerAuth(WRITE), 404, null, "nope"),
                Arguments.of("an unknown alert", get("/api/v1/alerts/no:such:alert"), 404, null, null),
                Arguments.of("an unknown rule", get("/api/v1/rules/nope"), 404, null, "nope"),
                Arguments.of("a method the path does not take", HttpRequest.PUT("/api/v1/silences", silence).bearerAuth(WRITE), 405,
                        null, "PUT"),
                Arguments.of("a body that is not JSON at all", HttpRequest.POST("/api/v1/silences", "matchers=x")
                        .contentType(MediaType.TEXT_PLAIN_TYPE).bearerAuth(WRITE), 415, null, "application/json"),
                Arguments.of("no token", HttpRequest.GET("/api/v1/alerts"), 401, null, "Bearer"),
                Arguments.of("a read token writing", HttpRequest.POST("/api/v1/silences", silence).bearerAuth(READ), 403, null, null),
                Arguments.of("an unknown path", get("/api/v1/nope"), 404, null, "/api/v1/nope"),
                Arguments.of("an unexpected exception tells no internals", get("/api/v1/test-boom"), 500, null, "problem id"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void everyErrorIsOneProblemBodyNamingTheFieldInApiTerms(String why, MutableHttpRequest<?> request, int status,
                                                            String param, String text) throws IOException {
        HttpClientResponseException e = assertThrows(HttpClientResponseException.class,
                () -> client.toBlocking().exchange(request, Argument.of(String.class), Argument.of(String.class)), why);
        String raw = e.getResponse().getBody(String.class).orElse("");
        assertEquals(status, e.getStatus().getCode(), why + ": " + raw);
        assertEquals(Problems.MEDIA_TYPE, e.getResponse().getContentType().map(MediaType::toString).orElse(""), why);
        Map<String, Object> problem = json.readValue(raw, Argument.mapOf(String.class, Object.class));
        assertEquals(status, ((Number) problem.get("status")).intValue(), raw);
        assertTrue(problem.get("type") instanceof String && problem.get("title") instanceof String
                && problem.get("detail") instanceof String, "RFC 9457 members: " + raw);
        assertEquals(request.getPath(), problem.get("instance"), raw);
        for (String java : JAVA) {
            assertFalse(raw.contains(java), why + ": the answer shows '" + java + "': " + raw);
        }
        if (param != null) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> params = (List<Map<String, Object>>) problem.get("invalid_params");
            assertTrue(params != null && params.stream().anyMatch(p -> param.equals(p.get("name"))
                            || String.valueOf(p.get("name")).startsWith(param + "[")),
                    why + ": expected invalid_params to name " + param + ": " + raw);
        }
        if (text != null) {
            assertTrue(raw.contains(text), why + ": expected '" + text + "' in " + raw);
        }
    }

    @Test
    void anEmptyAlertListCarriesItemsAndEveryCountAtZero() throws IOException {
        Map<String, Object> page = body(get("/api/v1/alerts?rule_id=no-such-rule"));
        assertEquals(List.of(), page.get("items"), page.toString());
        assertEquals(0, ((Number) page.get("total")).intValue());
        assertEquals(0, ((Number) page.get("offset")).intValue());
        assertEquals(100, ((Number) page.get("limit")).intValue());
        assertEquals(Map.of("PENDING", 0, "FIRING", 0, "ACKNOWLEDGED", 0), page.get("state_counts"),
                "every state the query reads (RESOLVED only when asked for)");
        assertEquals(Map.of("INFO", 0, "WARNING", 0, "HIGH", 0, "CRITICAL", 0), page.get("severity_counts"));
        Map<String, Object> withResolved = body(get("/api/v1/alerts?rule_id=no-such-rule&state=firing,resolved"));
        assertEquals(Map.of("PENDING", 0, "FIRING", 0, "ACKNOWLEDGED", 0, "RESOLVED", 0), withResolved.get("state_counts"));
    }

    @Test
    void anEmptySloListCarriesItemsAndItsCounts() throws IOException {
        Map<String, Object> page = body(get("/api/v1/slo?rule_id=no-such-rule&limit=20"));
        assertEquals(List.of(), page.get("items"), page.toString());
        assertEquals(0, ((Number) page.get("total")).intValue());
        assertEquals(20, ((Number) page.get("limit")).intValue());
    }

    @Test
    void upperCaseAndMixedCaseFilterValuesStillWork() {
        assertEquals(HttpStatus.OK, client.toBlocking().exchange(get("/api/v1/alerts?state=Firing,RESOLVED&severity=critical"),
                String.class).getStatus());
    }

    @Test
    void silenceOperatorsReadBackAsWrittenAndCanBePostedAgain() throws Exception {
        String marker = "roundtrip-" + UUID.randomUUID();
        List<Map<String, Object>> matchers = List.of(
                Map.of("label", "instance_id", "op", "=", "value", marker),
                Map.of("label", "environment", "op", "!=", "value", "staging"),
                Map.of("label", "metric_name", "op", "=~", "value", "lag.*"),
                Map.of("label", "team", "op", "!~", "value", "dba|ops"));
        HttpResponse<Map> created = client.toBlocking().exchange(post("/api/v1/silences",
                Map.of("matchers", matchers, "created_by", "alice", "comment", "roundtrip")), Map.class);
        String id = (String) created.body().get("silence_id");
        Map<String, Object> read = awaitSilence(id);
        assertEquals(matchers, read.get("matchers"), "GET shows what POST took: " + read);
        assertTrue(read.containsKey("ends_at") && read.get("ends_at") == null, "maintenance mode: ends_at null " + read);
        assertTrue(String.valueOf(read.get("starts_at")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), read.toString());
        Map<String, Object> again = new HashMap<>();
        again.put("matchers", read.get("matchers"));
        again.put("created_by", read.get("created_by"));
        again.put("comment", read.get("comment"));
        assertEquals(HttpStatus.CREATED, client.toBlocking().exchange(post("/api/v1/silences", again), String.class).getStatus(),
                "what GET shows is accepted by POST");
    }

    private static Map<String, Object> awaitSilence(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String raw = client.toBlocking().retrieve(get("/api/v1/silences"), String.class);
            List<Map<String, Object>> all = json.readValue(raw, Argument.listOf(Argument.mapOf(String.class, Object.class)));
            for (Map<String, Object> s : all) {
                if (id.equals(s.get("silence_id"))) {
                    return s;
                }
            }
            Thread.sleep(100);
        }
        fail("silence " + id + " never listed");
        return null;
    }

    private static Map<String, Object> body(MutableHttpRequest<?> request) throws IOException {
        HttpResponse<String> answer = client.toBlocking().exchange(request, String.class);
        assertEquals(HttpStatus.OK, answer.getStatus());
        return json.readValue(answer.body(), Argument.mapOf(String.class, Object.class));
    }

    private static MutableHttpRequest<?> get(String path) {
        return HttpRequest.GET(path).bearerAuth(READ);
    }

    private static MutableHttpRequest<?> post(String path, Object body) {
        return HttpRequest.POST(path, body).bearerAuth(WRITE);
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    private static Map<String, Object> without(Map<String, Object> base, String key) {
        Map<String, Object> copy = new HashMap<>(base);
        copy.remove(key);
        return copy;
    }
}
