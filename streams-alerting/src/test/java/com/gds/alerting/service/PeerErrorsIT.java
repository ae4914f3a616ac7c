package com.gds.alerting.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;

import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;
import com.gds.alerting.service.query.AlertLocator;
import com.gds.alerting.service.query.StateMigratingException;

/**
 * What a client of instance A sees when the instance that owns the answer fails. The owner is a
 * second real service instance whose advertised address ({@code application.server}) is a small
 * real HTTP server answering what each case needs, so A forwards to it exactly as it would to a
 * peer. A permanent error (400, 401, 403, 500) is a 502 naming the peer and its status; 503 only
 * when the peer says its state moves or does not answer (timeout, connection refused).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PeerErrorsIT {

    private static final String SCOPE = "peer-errors-" + UUID.randomUUID();
    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String TOKEN = "token-" + UUID.randomUUID();

    private static EmbeddedKafkaBroker broker;
    private static FakePeer peer;
    private static ApplicationContext a;
    private static ApplicationContext b;
    private static HttpClient httpA;
    private static String keyOwnedByPeer;

    @BeforeAll
    static void start() throws Exception {
        AvroClassTrust.install();
        broker = EmbeddedKafkaBroker.startTemporary();
        TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(TOPICS.metricsTopic("postgresql", "prod")), 6);
        peer = new FakePeer();
        a = service("a", null);
        b = service("b", "localhost:" + peer.port());
        httpA = HttpClient.create(a.getBean(EmbeddedServer.class).getURL());
        AlertLocator locator = a.getBean(AlertLocator.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (keyOwnedByPeer == null && System.nanoTime() < deadline) {
            for (int i = 0; i < 60 && keyOwnedByPeer == null; i++) {
                String key = "lag:pg-" + i + ":replication_lag_seconds";
                try {
                    KeyQueryMetadata owner = locator.locate(key);
                    if (owner.activeHost().port() == peer.port()) {
                        keyOwnedByPeer = key;
                    }
                } catch (StateMigratingException notYet) {
                    break;
                }
            }
            Thread.sleep(200);
        }
        assertNotNull(keyOwnedByPeer, "the second instance owns some partitions after the rebalance");
        // The list reads this instance's own store too: a follow-up rebalance would be a true 503.
        TestServices.awaitRunning(a, b);
    }

    @AfterAll
    static void stop() throws Exception {
        TestServices.closeAll(httpA, b, a, peer, broker);
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    private static ApplicationContext service(String name, String advertisedAddress) {
        Map<String, Object> props = TestServices.properties(broker.bootstrapServers(), InMemorySchemaRegistry.SCHEME + SCOPE, name);
        if (advertisedAddress != null) {
            props.put("gds.alerting.advertised-address", advertisedAddress);
        }
        props.put("kafka.session.timeout.ms", "6000");
        props.put("kafka.heartbeat.interval.ms", "1000");
        props.put("gds.alerting.forward-timeout", "2s");
        props.put("gds.dispatcher.enabled", "false");
        props.put("gds.auth.tokens.reader.token", TOKEN);
        props.put("gds.auth.tokens.reader.rights", List.of("read"));
        return TestServices.start(props);
    }

    @ParameterizedTest(name = "peer answers {0} -> {1}")
    @CsvSource({
            "401, 502, 'tokens differ between instances: needs a person, not a retry'",
            "403, 502, 'rights differ between instances'",
            "400, 502, 'versions disagree on the request'",
            "500, 502, 'a bug on the peer'",
            "503, 503, 'the peer says its state moves: retry'",
            "404, 404, 'no such alert there'",
    })
    @Order(1)
    void aPeerAnswerIsPassedOnAsWhatItIs(int peerStatus, int expected, String why) {
        peer.answer(peerStatus);
        HttpClientResponseException e = call("/api/v1/alerts/" + keyOwnedByPeer);
        assertEquals(expected, e.getStatus().getCode(), why);
        Map<String, Object> body = TestServices.problem(e);
        if (expected == 502) {
            assertEquals("localhost:" + peer.port(), body.get("peer"), "names the peer: " + body);
            assertEquals(peerStatus, ((Number) body.get("peer_status")).intValue(), "and its status: " + body);
            assertTrue(String.valueOf(body.get("message")).contains(Integer.toString(peerStatus)), body.toString());
        }
        if (expected == 503) {
            assertNotNull(e.getResponse().getHeaders().get("Retry-After"), "a 503 says when to retry");
        }
        assertEquals("Bearer " + TOKEN, peer.lastAuthorization(), "the caller's token is passed on");
    }

    @Test
    @Order(2)
    void aPermanentErrorOfAPeerFailsTheListWithA502Too() {
        peer.answer(500);
        HttpClientResponseException e = call("/api/v1/alerts");
        assertEquals(HttpStatus.BAD_GATEWAY, e.getStatus(), TestServices.problem(e).toString());
        assertTrue(peer.paths().stream().anyMatch(p -> p.startsWith("/api/v1/alerts?")), "the list fanned out to the peer");
    }

    @Test
    @Order(3)
    void aPeerThatDoesNotAnswerInTimeIsA503() {
        peer.hang();
        try {
            HttpClientResponseException e = call("/api/v1/alerts/" + keyOwnedByPeer);
            assertEquals(HttpStatus.SERVICE_UNAVAILABLE, e.getStatus());
            assertNotNull(e.getResponse().getHeaders().get("Retry-After"));
        } finally {
            peer.answer(500);
        }
    }

    @Test
    @Order(4)
    void aPeerThatRefusesConnectionsIsA503() {
        peer.close();
        HttpClientResponseException e = call("/api/v1/alerts/" + keyOwnedByPeer);
        assertEquals(HttpStatus.SERVICE_UNAVAILABLE, e.getStatus());
        assertNotNull(e.getResponse().getHeaders().get("Retry-After"));
    }

    private static HttpClientResponseException call(String path) {
        MutableHttpRequest<?> request = HttpRequest.GET(path).bearerAuth(TOKEN);
        try {
            httpA.toBlocking().exchange(request, Argument.of(String.class), Argument.of(String.class));
        } catch (HttpClientResponseException e) {
            return e;
        }
        fail("expected an error answer for " + path);
        return null;
    }

    /** A real HTTP server standing in for the peer: answers every request with the status set, or not at all. */
    private static final class FakePeer implements AutoCloseable {
        private final HttpServer server;
        private final List<String> paths = new CopyOnWriteArrayList<>();
        private final List<String> authorizations = new CopyOnWriteArrayList<>();
        private volatile int status = 500;
        private volatile CountDownLatch hang;

        FakePeer() throws IOException {
            server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", this::handle);
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        void answer(int status) {
            this.status = status;
            CountDownLatch h = hang;
            hang = null;
            if (h != null) {
                h.countDown();
            }
        }

        void hang() {
            hang = new CountDownLatch(1);
        }

        List<String> paths() {
            return List.copyOf(paths);
        }

        String lastAuthorization() {
            return authorizations.isEmpty() ? null : authorizations.get(authorizations.size() - 1);
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                paths.add(exchange.getRequestURI().toString());
                authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
                CountDownLatch h = hang;
                if (h != null) {
                    try {
                        h.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return;
                }
                byte[] body = ("{\"status\":" + status + ",\"message\":\"the fake peer says " + status + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }

        @Override
        public void close() {
            answer(status);
            server.stop(0);
        }
    }
}
