package com.gds.alerting.service.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;
import com.gds.alerting.service.TestServices;

/**
 * {@code GET /api/v1/events/stream} on the real service and the in-process broker: live transitions
 * with filters, resumption with {@code Last-Event-ID} exactly after the last event seen (on the same
 * instance, on another one, and after the first is restarted), heartbeats carrying the position,
 * clear 400s and the 503 beyond {@code max-streams}, and a client too slow cut off with the reason.
 */
class EventStreamIT {

    private static final String SCOPE = "event-stream-" + UUID.randomUUID();
    private static final String REGISTRY = InMemorySchemaRegistry.SCHEME + SCOPE;
    private static final GdsTopics TOPICS = GdsTopics.defaults();
    private static final String READ = "read-token-" + UUID.randomUUID();

    private static EmbeddedKafkaBroker broker;
    private static KafkaProducer<String, AlertEvent> producer;
    private static ApplicationContext a;
    private static ApplicationContext b;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        AvroClassTrust.install();
        broker = EmbeddedKafkaBroker.startTemporary();
        TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(TOPICS.metricsTopic("postgresql", "prod")), 3);
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()), new StringSerializer(),
                AvroSerdes.valueSerde(AlertEvent.class, Map.of("schema.registry.url", REGISTRY)).serializer());
        a = service("a", 4);
        b = service("b", 4);
    }

    @AfterAll
    static void stop() throws Exception {
        TestServices.closeAll(a, b, producer, broker);
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    private static ApplicationContext service(String name, int maxStreams) {
        Map<String, Object> props = TestServices.properties(broker.bootstrapServers(), REGISTRY, name);
        props.put("gds.dispatcher.enabled", false);
        props.put("gds.auth.tokens.reader.token", READ);
        props.put("gds.auth.tokens.reader.rights", List.of("read"));
        props.put("gds.event-stream.max-streams", maxStreams);
        props.put("gds.event-stream.heartbeat", "1s");
        props.put("gds.event-stream.max-queued-events", 5);
        return TestServices.start(props);
    }

    private static String url(ApplicationContext service) {
        return service.getBean(EmbeddedServer.class).getURL().toString();
    }

    private static void transition(String instance, Severity severity, AlertState state) throws Exception {
        transition(instance, severity, state, "lag on " + instance);
    }

    private static void transition(String instance, Severity severity, AlertState state, String summary) throws Exception {
        Instant now = Instant.now();
        String key = "lag:" + instance + ":replication_lag_seconds";
        producer.send(new ProducerRecord<>(TOPICS.events(), key, AlertEvent.newBuilder().setMessageId("m-" + UUID.randomUUID())
                .setAlertKey(key).setRuleId("lag").setInstanceId(instance).setMetricName("replication_lag_seconds")
                .setDatabaseType("postgresql").setEnvironment("prod").setSeverity(severity).setState(state)
                .setTransition(state == AlertState.RESOLVED ? Transition.RESOLVED : Transition.FIRED).setIncident(1)
                .setReminderNumber(0).setValue(45.0).setThreshold(30.0).setStartedAt(now).setUpdatedAt(now)
                .setSummary(summary).setLabels(Map.of()).build())).get(10, TimeUnit.SECONDS);
    }

    /** One parsed server-sent event. */
    record Sse(String name, String id, String data) {
    }

    /** A client reading a stream on its own thread; {@link #close} drops the connection. */
    static final class Stream implements AutoCloseable {
        final int status;
        final String body;
        final BlockingQueue<Sse> events = new LinkedBlockingQueue<>();
        private final InputStream in;

        Stream(HttpResponse<InputStream> response) throws Exception {
            this.status = response.statusCode();
            this.in = response.body();
            if (status != 200) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return;
            }
            body = null;
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String name = "message";
                    String id = null;
                    StringBuilder data = new StringBuilder();
                    for (String line; (line = lines.readLine()) != null; ) {
                        if (line.isEmpty()) {
                            if (data.length() > 0 || id != null) {
                                events.add(new Sse(name, id, data.toString()));
                            }
                            name = "message";
                            id = null;
                            data.setLength(0);
                        } else if (line.startsWith("event:")) {
                            name = line.substring(6).trim();
                        } else if (line.startsWith("id:")) {
                            id = line.substring(3).trim();
                        } else if (line.startsWith("data:")) {
                            data.append(line.substring(5).trim());
                        }
                    }
                } catch (Exception e) {
                    // the connection was closed
                }
            }, "sse-test-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** The next event named {@code name} within 30 s (other names are skipped). */
        Sse next(String name) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                Sse e = events.poll(200, TimeUnit.MILLISECONDS);
                if (e != null && e.name().equals(name)) {
                    return e;
                }
            }
            throw new AssertionError("no '" + name + "' event within 30 s");
        }

        @Override
        public void close() throws Exception {
            in.close();
        }
    }

    private static Stream open(ApplicationContext service, String query, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(service) + "/api/v1/events/stream" + query))
                .header("Authorization", "Bearer " + READ).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return new Stream(http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    /** A first heartbeat says the stream is positioned: what is sent after it is on the stream. */
    private static Stream openLive(ApplicationContext service, String query) throws Exception {
        Stream stream = open(service, query, null);
        assertEquals(200, stream.status, stream.body);
        stream.next("heartbeat");
        return stream;
    }

    @Test
    void liveTransitionsMatchingTheFiltersThenResumeExactlyAfterTheLastOneSeenOnAnyInstance() throws Exception {
        // One alert, so one partition: its transitions are streamed in the order they were written (across
        // partitions there is no order, as on the topic).
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String instance = "pg-" + tag;
        String lastId;
        try (Stream stream = openLive(a, "?severity=critical&q=" + tag)) {
            transition(instance, Severity.CRITICAL, AlertState.FIRING, "one");
            transition(instance, Severity.WARNING, AlertState.FIRING, "two");
            transition(instance, Severity.CRITICAL, AlertState.FIRING, "three");
            Sse first = stream.next("transition");
            assertTrue(first.data().contains("\"summary\":\"one\""), first.data());
            assertTrue(first.data().contains("\"instance_id\":\"" + instance + "\""), first.data());
            assertTrue(first.data().contains("\"alert_key\":\"lag:" + instance + ":replication_lag_seconds\""), first.data());
            assertTrue(first.data().contains("\"transition\":\"FIRED\""), "the history endpoint's fields: " + first.data());
            Sse second = stream.next("transition");
            assertTrue(second.data().contains("\"summary\":\"three\""), "the WARNING one is filtered out: " + second.data());
            assertNotNull(first.id());
            lastId = first.id();
        }
        // Resume after the first: the third comes again (the client never saw it past the first), the filtered one never.
        transition(instance, Severity.CRITICAL, AlertState.RESOLVED, "four");
        for (ApplicationContext service : List.of(a, b)) {
            try (Stream resumed = open(service, "?severity=critical&q=" + tag, lastId)) {
                assertEquals(200, resumed.status, resumed.body);
                Sse third = resumed.next("transition");
                assertTrue(third.data().contains("\"summary\":\"three\""), third.data());
                Sse fourth = resumed.next("transition");
                assertTrue(fourth.data().contains("\"summary\":\"four\"") && fourth.data().contains("\"state\":\"RESOLVED\""),
                        fourth.data());
            }
        }
        // After a restart of the first instance the same id continues in the same place.
        a.close();
        a = service("a", 4);
        try (Stream resumed = open(a, "?severity=critical&q=" + tag, lastId)) {
            assertEquals(200, resumed.status, resumed.body);
            assertTrue(resumed.next("transition").data().contains("\"summary\":\"three\""));
            assertTrue(resumed.next("transition").data().contains("\"summary\":\"four\""));
        }
    }

    @Test
    void aHeartbeatCarriesThePositionSoAFilteredClientResumesPastWhatItSkipped() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String id;
        try (Stream stream = open(b, "?state=resolved&q=" + tag, null)) {
            assertEquals(200, stream.status, stream.body);
            String before = stream.next("heartbeat").id();
            transition("pg-" + tag + "-1", Severity.HIGH, AlertState.FIRING);
            Sse beat;
            do {
                beat = stream.next("heartbeat");
            } while (beat.id().equals(before));
            id = beat.id();
        }
        try (Stream resumed = open(b, "?q=" + tag, id)) {
            transition("pg-" + tag + "-2", Severity.HIGH, AlertState.FIRING);
            assertTrue(resumed.next("transition").data().contains("pg-" + tag + "-2"),
                    "the FIRING transition skipped by the first filter is behind the heartbeat's position");
        }
    }

    @Test
    void badRequestsAreRefusedWithWhatIsWrong() throws Exception {
        try (Stream s = open(a, "?severity=crit", null)) {
            assertEquals(400, s.status);
            assertTrue(s.body.contains("severity 'CRIT' is unknown; allowed: critical, high, info, warning"), s.body);
        }
        try (Stream s = open(a, "", "12345")) {
            assertEquals(400, s.status);
            assertTrue(s.body.contains("Last-Event-ID: '12345' is not an event id of this stream"), s.body);
        }
        try (Stream s = open(a, "?since=yesterday", null)) {
            assertEquals(400, s.status);
            assertTrue(s.body.contains("since: 'yesterday' is not an ISO-8601 instant"), s.body);
        }
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(url(a) + "/api/v1/events/stream")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode(), "auth as for reads");
    }

    @Test
    void beyondMaxStreamsA503AndAClientTooSlowIsCutOffWithTheReason() throws Exception {
        ApplicationContext small = service("small", 2);
        try {
            String tag = UUID.randomUUID().toString().substring(0, 8);
            List<Stream> open = new ArrayList<>();
            try {
                open.add(openLive(small, "?q=" + tag));
                open.add(openLive(small, "?q=" + tag));
                try (Stream third = open(small, "?q=" + tag, null)) {
                    assertEquals(503, third.status);
                    assertTrue(third.body.contains("2 event streams are open on this instance"), third.body);
                }
            } finally {
                for (Stream s : open) {
                    s.close();
                }
            }
            // A client that stops reading: its HTTP connection's buffers fill, the server stops being asked for more,
            // and past max-queued-events (5 here) the stream ends with a cut-off event.
            EventStreams streams = small.getBean(EventStreams.class);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (streams.openStreams() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, streams.openStreams(), "closed streams release their slot");
            reactor.core.publisher.Flux<io.micronaut.http.sse.Event<?>> slow = streams.open(
                    EventFilter.of(null, null, null, null, tag), new EventStreams.FromEnd());
            List<io.micronaut.http.sse.Event<?>> received = new ArrayList<>();
            SlowSubscriber subscriber = new SlowSubscriber(received);
            slow.subscribe(subscriber);
            for (int i = 0; i < 12; i++) {
                transition("pg-" + tag + "-" + i, Severity.HIGH, AlertState.FIRING);
            }
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (streams.openStreams() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, streams.openStreams(), "the slow stream was cut off");
            subscriber.request(100);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!subscriber.completed && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(subscriber.completed, "the stream ends");
            io.micronaut.http.sse.Event<?> last = received.get(received.size() - 1);
            assertEquals("cut-off", last.getName());
            assertTrue(last.getData().toString().contains("reads slower than they arrive"), last.getData().toString());
        } finally {
            small.close();
        }
    }

    /** Asks for one event, then for nothing until told. */
    static final class SlowSubscriber extends reactor.core.publisher.BaseSubscriber<io.micronaut.http.sse.Event<?>> {
        final List<io.micronaut.http.sse.Event<?>> received;
        volatile boolean completed;

        SlowSubscriber(List<io.micronaut.http.sse.Event<?>> received) {
            this.received = received;
        }

        @Override
        protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
            subscription.request(1);
        }

        @Override
        protected void hookOnNext(io.micronaut.http.sse.Event<?> value) {
            synchronized (received) {
                received.add(value);
            }
        }

        @Override
        protected void hookOnComplete() {
            completed = true;
        }
    }
}
