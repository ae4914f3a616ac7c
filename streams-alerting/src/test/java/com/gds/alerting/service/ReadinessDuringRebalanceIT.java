package com.gds.alerting.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;

import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;
import com.gds.alerting.service.streams.StreamsStateListeners;

/**
 * A second instance joining makes the first one rebalance; it stays ready meanwhile (queries on
 * moving state answer 503 + Retry-After, the others answer), and is taken out of service and
 * reported not alive only when its streams are dead. The first instance's stream thread is held in
 * REBALANCING by a state listener while the test asks its health, so the check does not depend on
 * catching a short rebalance.
 */
class ReadinessDuringRebalanceIT {

    private static final String SCOPE = "readiness-" + UUID.randomUUID();
    private static final GdsTopics TOPICS = GdsTopics.defaults();

    private static EmbeddedKafkaBroker broker;
    private static ApplicationContext a;
    private static ApplicationContext b;
    private static HttpClient httpA;

    @BeforeAll
    static void start() {
        AvroClassTrust.install();
        broker = EmbeddedKafkaBroker.startTemporary();
        TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(TOPICS.metricsTopic("postgresql", "prod")), 6);
        a = service("a");
        httpA = HttpClient.create(a.getBean(EmbeddedServer.class).getURL());
    }

    @AfterAll
    static void stop() throws Exception {
        TestServices.closeAll(httpA, b, a, broker);
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    private static ApplicationContext service(String name) {
        Map<String, Object> props = TestServices.properties(broker.bootstrapServers(), InMemorySchemaRegistry.SCHEME + SCOPE, name);
        props.put("kafka.session.timeout.ms", "6000");
        props.put("kafka.heartbeat.interval.ms", "1000");
        props.put("micronaut.security.enabled", "false");
        props.put("gds.dispatcher.enabled", "false");
        return TestServices.start(props);
    }

    @Test
    void readyWhileRebalancingAndNotAliveOnlyOnceTheStreamsAreDead() throws Exception {
        Health running = await("A ready and RUNNING", () -> health("/health/readiness"),
                h -> h.status() == HttpStatus.OK && "RUNNING".equals(h.streamsState()));
        assertEquals("UP", running.body().get("status"));

        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        KafkaStreams.StateListener hold = (now, before) -> {
            if (now == KafkaStreams.State.REBALANCING && first.compareAndSet(true, false)) {
                holding.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        a.getBean(StreamsStateListeners.class).add(hold);
        try {
            b = service("b");
            assertTrue(holding.await(90, TimeUnit.SECONDS), "the second instance made the first one rebalance");
            Health ready = health("/health/readiness");
            assertEquals("REBALANCING", ready.streamsState(), "held in REBALANCING");
            assertEquals(HttpStatus.OK, ready.status(), "ready while rebalancing: " + ready.body());
            assertEquals(HttpStatus.OK, health("/health/liveness").status(), "alive while rebalancing");
            try {
                httpA.toBlocking().exchange(HttpRequest.GET("/api/v1/alerts"), String.class);
            } catch (HttpClientResponseException e) {
                assertEquals(HttpStatus.SERVICE_UNAVAILABLE, e.getStatus(), "a query on moving state: 503, nothing else");
                assertNotNull(e.getResponse().getHeaders().get("Retry-After"));
            }
        } finally {
            release.countDown();
            a.getBean(StreamsStateListeners.class).remove(hold);
        }
        HttpClient httpB = HttpClient.create(b.getBean(EmbeddedServer.class).getURL());
        try {
            await("B ready", () -> health(httpB, "/health/readiness"), h -> h.status() == HttpStatus.OK);
        } finally {
            httpB.close();
        }
        await("A RUNNING again", () -> health("/health/readiness"), h -> "RUNNING".equals(h.streamsState()));

        a.getBean(KafkaStreams.class).close(Duration.ofSeconds(30));
        Health dead = health("/health/liveness");
        assertEquals(HttpStatus.SERVICE_UNAVAILABLE, dead.status(), "streams stopped while the service runs: not alive");
        assertEquals("NOT_RUNNING", dead.streamsState("kafka-streams-alive"));
        assertEquals(HttpStatus.SERVICE_UNAVAILABLE, health("/health/readiness").status(), "and not ready");
    }

    /** An answer of a health endpoint: its status and body. */
    record Health(HttpStatus status, Map<String, Object> body) {
        String streamsState() {
            return streamsState("kafka-streams");
        }

        @SuppressWarnings("unchecked")
        String streamsState(String indicator) {
            Map<String, Object> details = (Map<String, Object>) body.get("details");
            Map<String, Object> entry = details == null ? null : (Map<String, Object>) details.get(indicator);
            Map<String, Object> own = entry == null ? null : (Map<String, Object>) entry.get("details");
            return own == null ? null : (String) own.get("state");
        }
    }

    private static Health health(String path) {
        return health(httpA, path);
    }

    private static Health health(HttpClient client, String path) {
        try {
            HttpResponse<Map<String, Object>> r = client.toBlocking().exchange(HttpRequest.GET(path),
                    Argument.mapOf(String.class, Object.class));
            return new Health(r.getStatus(), r.body());
        } catch (HttpClientResponseException e) {
            return new Health(e.getStatus(), e.getResponse().getBody(Argument.mapOf(String.class, Object.class)).orElse(Map.of()));
        }
    }

    private static <T> T await(String what, Supplier<T> attempt, Predicate<T> condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        T last = null;
        while (System.nanoTime() < deadline) {
            last = attempt.get();
            if (condition.test(last)) {
                return last;
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
