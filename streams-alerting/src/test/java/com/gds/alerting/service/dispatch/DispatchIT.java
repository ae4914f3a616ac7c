package com.gds.alerting.service.dispatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.health.HealthStatus;
import io.micronaut.json.JsonMapper;
import io.micronaut.management.health.indicator.HealthResult;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * The dispatcher against the in-process broker and a real HTTP server playing gds_notification,
 * through the notifier's Micronaut HTTP client. Every wait is a condition with a deadline.
 */
class DispatchIT {

    private static final String SCOPE = "dispatch-it-" + UUID.randomUUID();
    private static final Pattern MESSAGE_ID = Pattern.compile("\"message_id\":\"([^\"]+)\"");
    private static EmbeddedKafkaBroker broker;
    private static KafkaProducer<String, AlertEvent> producer;

    private final Deque<AutoCloseable> closing = new ArrayDeque<>();
    private GdsTopics topics;
    private String group;
    private MeterRegistry meters;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.startTemporary();
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()), new StringSerializer(),
                AvroSerdes.valueSerde(AlertEvent.class, Map.of("schema.registry.url", InMemorySchemaRegistry.SCHEME + SCOPE))
                        .serializer());
    }

    @AfterAll
    static void stopBroker() {
        producer.close();
        broker.close();
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @AfterEach
    void closeEverything() throws Exception {
        while (!closing.isEmpty()) {
            closing.pop().close();
        }
    }

    // ---------------------------------------------------------------- the tests

    @Test
    void postsExactlyTheContractJsonOnlyForEventsThatNotify() throws Exception {
        FakeNotificationService fake = fake();
        ApplicationContext context = context(fake.url(), s -> { });
        NotificationDispatcher dispatcher = dispatcher(context, Clock.systemUTC());
        AlertEvent fired = TestEvents.event("lag", "pg-prod-01", Transition.FIRED, 0).build();
        send(TestEvents.event("lag", "pg-prod-01", Transition.PENDING, 0).build());
        send(TestEvents.event("lag", "pg-prod-02", Transition.FIRED, 0).setSuppressedBy("silence:s-1").build());
        send(TestEvents.event("lag", "pg-prod-03", Transition.RESOLVED, 0).setSuppressedBy("never-fired").build());
        send(fired);
        send(TestEvents.event("lag", "pg-prod-04", Transition.FIRED, 0).setRunbookUrl(null).setRoutingKey(null)
                .setLabels(Map.of()).build());

        await("two notifications", () -> fake.delivered().size() == 2);
        await("all five committed", () -> committed() == 5);
        // Different keys, different partitions, parallel lanes: find each request by its message_id, not its rank.
        FakeNotificationService.Request request = fake.requests().stream()
                .filter(r -> messageId(r).equals(fired.getMessageId())).findFirst().orElseThrow();
        assertEquals("POST", request.method());
        assertEquals("/ingest", request.path());
        assertTrue(request.header("Content-Type").startsWith("application/json"), request.header("Content-Type"));

        JsonMapper json = context.getBean(JsonMapper.class);
        Map<String, Object> body = json.readValue(request.body(), Argument.mapOf(String.class, Object.class));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("alert_name", "lag");
        expected.put("db_instance_id", "pg-prod-01");
        expected.put("subject", "[CRITICAL] FIRING pg-prod-01: Replication lag 42s on pg-prod-01");
        expected.put("body_text", NotificationFormatter.body(fired));
        expected.put("message_id", fired.getMessageId());
        expected.put("severity", "critical");
        expected.put("runbook_url", "https://runbooks.example/replication-lag");
        expected.put("labels", Map.of("environment", "prod", "team", "dba"));
        expected.put("routing_key", "dba-oncall");
        assertEquals(expected, body);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(body.keySet()), "exactly these fields, in this order");

        String nulls = fake.requests().stream().filter(r -> r != request).findFirst().orElseThrow().body();
        assertTrue(nulls.contains("\"runbook_url\":null") && nulls.contains("\"routing_key\":null")
                && nulls.contains("\"labels\":{}"), "null and empty fields are written, not left out: " + nulls);
        assertEquals(2.0, count("gds.dispatcher.decisions", "reason", "suppressed"));
        assertEquals(1.0, count("gds.dispatcher.decisions", "reason", "transition_not_notified"));
        assertEquals(2L, meters.get("gds.dispatcher.delivery.latency").timer().count(), "latency recorded per delivery");
        dispatcher.close();
    }

    /** Belt and braces: a shadow rule's event that reached the events topic anyway (misrouted) is never posted. */
    @Test
    void aShadowEventOnTheEventsTopicIsNeverPosted() throws Exception {
        FakeNotificationService fake = fake();
        ApplicationContext context = context(fake.url(), s -> { });
        NotificationDispatcher dispatcher = dispatcher(context, Clock.systemUTC());
        send(TestEvents.event("lag.shadow", "pg-prod-01", Transition.FIRED, 0).setShadow(true).setShadowOf("lag").build());
        AlertEvent live = TestEvents.event("lag", "pg-prod-01", Transition.FIRED, 0).build();
        send(live);

        await("both committed", () -> committed() == 2);
        assertEquals(1, fake.delivered().size(), "only the live event");
        assertEquals(live.getMessageId(), messageId(fake.requests().get(0)));
        assertEquals(1.0, count("gds.dispatcher.decisions", "reason", "shadow"));
        dispatcher.close();
    }

    @Test
    void serverErrorsAreRetriedWithTheSameMessageIdAndDeliveredOnce() throws Exception {
        FakeNotificationService fake = fake();
        AtomicInteger calls = new AtomicInteger();
        fake.answer(body -> calls.incrementAndGet() <= 2 ? FakeNotificationService.Answer.status(500, "oops")
                : FakeNotificationService.Answer.ok());
        dispatcher(context(fake.url(), s -> { }), Clock.systemUTC());
        AlertEvent event = TestEvents.fired("lag", "pg-1");
        send(event);

        await("delivered", () -> fake.delivered().size() == 1);
        await("committed", () -> committed() == 1);
        assertEquals(List.of(500, 500, 202), fake.requests().stream().map(FakeNotificationService.Request::status).toList());
        assertTrue(fake.requests().stream().allMatch(r -> messageId(r).equals(event.getMessageId())), "same message_id every time");
        assertEquals(2.0, count("gds.dispatcher.retries", "cause", "http_500"));
        assertEquals(1.0, count("gds.dispatcher.sent", "kind", "event"));
    }

    @Test
    void tooManyRequestsWaitsTheRetryAfterTheServiceAsks() throws Exception {
        FakeNotificationService fake = fake();
        AtomicInteger calls = new AtomicInteger();
        fake.answer(body -> calls.incrementAndGet() == 1
                ? new FakeNotificationService.Answer(429, Map.of("Retry-After", "2"), "slow down", 0)
                : FakeNotificationService.Answer.ok());
        // Backoff alone would retry after ~10 ms: only Retry-After explains a 2 s gap.
        dispatcher(context(fake.url(), s -> { }), Clock.systemUTC());
        send(TestEvents.fired("lag", "pg-1"));

        await("delivered", () -> fake.delivered().size() == 1);
        List<FakeNotificationService.Request> requests = fake.requests();
        assertEquals(429, requests.get(0).status());
        Duration gap = Duration.between(requests.get(0).at(), requests.get(1).at());
        assertTrue(gap.compareTo(Duration.ofMillis(1900)) >= 0, "the retry waited Retry-After: " + gap);
        assertEquals(1.0, count("gds.dispatcher.retries", "cause", "http_429"));
    }

    @Test
    void aRefusedNotificationIsDeadLetteredWithTheReasonAndTheNextIsStillDelivered() throws Exception {
        FakeNotificationService fake = fake();
        fake.answer(body -> body.contains("pg-bad") ? FakeNotificationService.Answer.status(400, "{\"error\":\"unknown routing key\"}")
                : FakeNotificationService.Answer.ok());
        dispatcher(context(fake.url(), s -> { }), Clock.systemUTC());
        AlertEvent bad = TestEvents.fired("lag", "pg-bad");
        send(bad);
        send(TestEvents.fired("lag", "pg-good"));

        await("the next one delivered", () -> fake.delivered().size() == 1);
        await("both committed", () -> committed() == 2);
        assertEquals(1, fake.requests().stream().filter(r -> r.status() == 400).count(), "a 400 is not retried");
        List<ConsumerRecord<byte[], byte[]>> dead = readAll(topics.dlqNotifications(), 1);
        ConsumerRecord<byte[], byte[]> letter = dead.get(0);
        assertEquals(bad.getAlertKey(), new String(letter.key(), StandardCharsets.UTF_8));
        assertArrayEquals(originalBytes(0), letter.value(), "the original event bytes");
        assertEquals("REJECTED_BY_SERVICE", header(letter, DeadLetters.REASON));
        assertEquals("400", header(letter, DeadLetters.STATUS));
        assertEquals("{\"error\":\"unknown routing key\"}", header(letter, DeadLetters.RESPONSE_BODY));
        assertEquals(bad.getMessageId(), header(letter, DeadLetters.MESSAGE_ID));
        assertEquals(topics.events(), header(letter, DeadLetters.SOURCE_TOPIC));
        assertTrue(header(letter, DeadLetters.ERROR).contains("HTTP 400"));
        assertEquals(1.0, count("gds.dispatcher.dead.letters", "reason", "rejected_by_service"));
    }

    @Test
    void slowAnswersTimeOutAndAreRetried() throws Exception {
        FakeNotificationService fake = fake();
        AtomicInteger calls = new AtomicInteger();
        fake.answer(body -> calls.incrementAndGet() == 1 ? new FakeNotificationService.Answer(202, Map.of(), "", 3000)
                : FakeNotificationService.Answer.ok());
        dispatcher(context(fake.url(), s -> s.setRequestTimeout(Duration.ofMillis(500))), Clock.systemUTC());
        send(TestEvents.fired("lag", "pg-1"));

        await("timed out once", () -> count("gds.dispatcher.retries", "cause", "timeout") == 1.0);
        await("answered on a later attempt", () -> fake.requests().size() == 2);
        await("committed", () -> committed() == 1);
        assertEquals(1.0, count("gds.dispatcher.sent", "kind", "event"), "counted once: the late 2xx of the first attempt was never seen");
    }

    @Test
    void aServiceDownForAWhileGetsEveryEventInOrderPerKeyOnceItReturns() throws Exception {
        int port = freePort();
        ApplicationContext context = context("http://127.0.0.1:" + port, s -> {
            s.setCircuitFailureThreshold(3);
            s.setCircuitOpenDuration(Duration.ofMillis(300));
            s.setStormEnabled(false);
        });
        NotificationDispatcher dispatcher = dispatcher(context, Clock.systemUTC());
        Map<String, String> expectedOrder = sendSequences(4, 5);

        await("the circuit opened, probed and opened again", () -> count("gds.dispatcher.circuit.opened") >= 2);
        assertEquals(0L, committedOrZero(), "nothing committed while nothing was delivered");
        FakeNotificationService fake = new FakeNotificationService(port);
        closing.push(fake);

        await("all 20 delivered", () -> fake.delivered().size() >= 20);
        await("all committed", () -> committed() == 20);
        assertOrderPerKey(fake, expectedOrder);
        assertEquals(CircuitBreaker.State.CLOSED, dispatcher.circuitState());
        assertTrue(count("gds.dispatcher.retries", "cause", "connection") >= 3);
        assertEquals(0.0, count("gds.dispatcher.dead.letters", "reason", "retries_exhausted"), "an outage uses up no attempts");
    }

    @Test
    void orderPerKeyHoldsWithParallelLanesAndRandomFailures() throws Exception {
        FakeNotificationService fake = fake();
        Map<String, Integer> failuresLeft = new ConcurrentHashMap<>();
        fake.answer(body -> {
            String id = messageIdOf(body);
            int left = failuresLeft.computeIfAbsent(id, k -> Math.floorMod(k.hashCode(), 3));
            failuresLeft.put(id, left - 1);
            return left > 0 ? FakeNotificationService.Answer.status(503, "busy") : FakeNotificationService.Answer.ok();
        });
        dispatcher(context(fake.url(), s -> {
            s.setConcurrency(4);
            s.setCircuitFailureThreshold(1000);
            s.setStormEnabled(false); // 60 notifications of one rule would be a storm
        }), Clock.systemUTC());
        Map<String, String> expectedOrder = sendSequences(12, 5);

        await("all 60 delivered", () -> fake.delivered().size() == 60);
        await("all committed", () -> committed() == 60);
        assertOrderPerKey(fake, expectedOrder);
    }

    @Test
    void aDispatcherStoppedMidRetryLeavesTheEventUncommittedAndTheNextOneDeliversIt() throws Exception {
        FakeNotificationService fake = fake();
        fake.answer(body -> FakeNotificationService.Answer.status(503, "down for maintenance"));
        ApplicationContext context = context(fake.url(), s -> s.setShutdownGrace(Duration.ZERO));
        NotificationDispatcher first = dispatcher(context, Clock.systemUTC());
        AlertEvent event = TestEvents.fired("lag", "pg-1");
        send(event);
        await("retrying", () -> fake.requests().size() >= 2);
        first.close();
        assertFalse(first.isRunning());
        assertEquals(0L, committedOrZero(), "the event in retry is not committed");

        fake.answer(body -> FakeNotificationService.Answer.ok());
        dispatcher(context, Clock.systemUTC());
        await("delivered after the restart", () -> fake.delivered().size() == 1);
        await("committed", () -> committed() == 1);
        assertTrue(fake.requests().stream().allMatch(r -> messageId(r).equals(event.getMessageId())),
                "every attempt, before and after the restart, carries the same message_id");
    }

    @Test
    void aStormIsFoldedIntoOneSummaryAndItsEventsCommittedOnlyWhenTheSummaryIsDelivered() throws Exception {
        FakeNotificationService fake = fake();
        MutableClock clock = new MutableClock(Instant.parse("2026-11-03T03:00:00Z"));
        dispatcher(context(fake.url(), s -> {
            s.setStormMaxPerRule(3);
            s.setStormInterval(Duration.ofMinutes(1));
        }), clock);
        for (int i = 0; i < 10; i++) {
            send(TestEvents.event("lag", "pg-" + i, Transition.FIRED, 0).setSeverity(i == 9 ? Severity.CRITICAL : Severity.WARNING)
                    .build());
        }
        await("3 sent, 7 held", () -> fake.delivered().size() == 3 && count("gds.dispatcher.storm.held", "scope", "rule") == 7.0);
        await("the first three committed", () -> committed() == 3);

        clock.advance(Duration.ofMinutes(1));
        await("one summary", () -> fake.delivered().size() == 4);
        await("all committed once the summary is delivered", () -> committed() == 10);
        String summary = fake.requests().get(3).body();
        assertTrue(summary.contains("\"subject\":\"[CRITICAL] STORM: 7 notifications held back for rule lag on 7 instance(s)"), summary);
        assertTrue(summary.contains("\"gds_storm_held\":\"7\""), summary);
        assertTrue(summary.contains("\"severity\":\"critical\""), summary);
        assertEquals(1.0, count("gds.dispatcher.sent", "kind", "summary"));
    }

    @Test
    void anOpenCircuitIsLoggedAtWarnShownDegradedAndItsWaitingNotificationsCountedUntilTheServiceAnswers() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ch.qos.logback.classic.Logger circuitLogger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(CircuitLog.LOGGER);
        circuitLogger.addAppender(log);
        closing.push(() -> circuitLogger.detachAppender(log));
        FakeNotificationService fake = fake();
        fake.answer(body -> FakeNotificationService.Answer.status(503, "{\"error\":\"maintenance\"}"));
        NotificationDispatcher dispatcher = dispatcher(context(fake.url(), s -> {
            s.setCircuitFailureThreshold(2);
            s.setCircuitOpenDuration(Duration.ofMillis(300));
        }), Clock.systemUTC());
        send(TestEvents.fired("lag", "pg-1"));
        send(TestEvents.fired("lag", "pg-2"));

        await("the circuit opened", () -> messages(log).stream().anyMatch(m -> m.contains("OPEN after 2 consecutive")));
        String opened = messages(log).stream().filter(m -> m.contains("OPEN after")).findFirst().orElseThrow();
        assertTrue(opened.contains("HTTP_503") && opened.contains("maintenance"), "the cause is in the line: " + opened);
        assertTrue(opened.matches(".*; [12] notification\\(s\\) wait$"), "how many wait: " + opened);
        synchronized (log) {
            assertTrue(log.list.stream().allMatch(e -> e.getLevel() == Level.WARN), "every circuit change at WARN");
        }
        await("probed and opened again", () -> messages(log).stream().anyMatch(m -> m.contains("HALF_OPEN"))
                && messages(log).stream().anyMatch(m -> m.contains("OPEN again: the probe failed (HTTP_503")));

        await("both wait", () -> dispatcher.waiting() == 2);
        HealthResult degraded = new DispatcherHealth(dispatcher).result();
        assertEquals("DEGRADED", degraded.getStatus().getName());
        assertTrue(degraded.getStatus().getOperational().orElse(true), "degraded is not down: restarting would not help");
        assertEquals(2, ((Map<?, ?>) degraded.getDetails()).get("waiting"));
        assertEquals(2.0, meters.get("gds.dispatcher.notifications.waiting").gauge().value());

        fake.answer(body -> FakeNotificationService.Answer.ok());
        await("closed again", () -> messages(log).stream().anyMatch(m -> m.contains("CLOSED again: it answered (HTTP 202)")));
        await("both delivered", () -> fake.delivered().size() == 2);
        await("nothing waits", () -> dispatcher.waiting() == 0);
        assertEquals(HealthStatus.UP, new DispatcherHealth(dispatcher).result().getStatus());
    }

    private static List<String> messages(ListAppender<ILoggingEvent> log) {
        synchronized (log) {
            return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Test
    void healthIsDownOnlyWhenTheConsumerThreadDied() throws Exception {
        FakeNotificationService fake = fake();
        ApplicationContext first = context(fake.url(), s -> { });
        NotificationDispatcher healthy = dispatcher(first, Clock.systemUTC());
        send(TestEvents.fired("lag", "pg-1"));
        await("delivered", () -> fake.delivered().size() == 1);
        await("done (the fake records the request before it answers)", () -> healthy.waiting() == 0);
        HealthResult up = new DispatcherHealth(healthy).result();
        assertEquals(HealthStatus.UP, up.getStatus());
        assertEquals(Map.of("state", "running", "notifier", "gds-notification", "circuit", "closed", "waiting", 0),
                up.getDetails());
        healthy.close();
        assertEquals(HealthStatus.UP, new DispatcherHealth(healthy).result().getStatus(), "stopped on purpose is not a failure");
        assertEquals("stopped", ((Map<?, ?>) new DispatcherHealth(healthy).result().getDetails()).get("state"));
        first.close(); // one service context at a time: each would lock the same streams state directory

        // A new group told never to guess where to start has no offset to read from: poll throws, the thread dies.
        NotificationDispatcher broken = dispatcher(context(fake.url(), s -> s.setAutoOffsetReset("none")), Clock.systemUTC());
        send(TestEvents.fired("lag", "pg-2"));
        await("the consumer thread died", () -> broken.state() == NotificationDispatcher.State.FAILED);
        HealthResult down = new DispatcherHealth(broken).result();
        assertEquals(HealthStatus.DOWN, down.getStatus());
        Map<?, ?> details = (Map<?, ?>) down.getDetails();
        assertEquals("failed", details.get("state"));
        assertTrue(String.valueOf(details.get("error")).contains("NoOffsetForPartitionException"), String.valueOf(details));
        assertFalse(broken.isRunning());
    }

    @Test
    void withoutABaseUrlTheLogSinkIsTheNotifier() {
        ApplicationContext context = ApplicationContext.run(Map.of("gds.dispatcher.enabled", "false",
                "kafka.bootstrap.servers", broker.bootstrapServers(), "gds.watchdog.enabled", "false",
                "gds.self-monitor.enabled", "false"));
        closing.push(context);
        assertTrue(context.getBean(Notifier.class) instanceof LogNotifier);
        assertFalse(context.containsBean(DispatcherLifecycle.class), "gds.dispatcher.enabled=false: no dispatcher");
    }

    // ---------------------------------------------------------------- harness

    private FakeNotificationService fake() throws IOException {
        FakeNotificationService fake = new FakeNotificationService(0);
        closing.push(fake);
        return fake;
    }

    /** A Micronaut context holding only what the notifier needs; the dispatcher itself is built by the test. */
    private ApplicationContext context(String baseUrl, Consumer<DispatcherSettings> tweak) throws Exception {
        String name = UUID.randomUUID().toString().substring(0, 8);
        topics = GdsTopics.fromConfig(Map.of("gds.topics.events", "it." + name + ".events",
                "gds.topics.dlq-notifications", "it." + name + ".dlq"));
        group = "it-dispatcher-" + name;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.events(), 3, (short) 1),
                    new NewTopic(topics.dlqNotifications(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        ApplicationContext context = ApplicationContext.run(Map.of("gds.dispatcher.base-url", baseUrl,
                "gds.dispatcher.enabled", "false", "kafka.bootstrap.servers", broker.bootstrapServers(),
                "gds.watchdog.enabled", "false", "gds.self-monitor.enabled", "false",
                // Never the default state directory: another build or a local stack in this checkout may hold it.
                "gds.alerting.state-dir", stateDir().toString()));
        closing.push(context);
        DispatcherSettings settings = context.getBean(DispatcherSettings.class);
        settings.setGroupId(group);
        settings.setAutoOffsetReset("earliest");
        settings.setInitialBackoff(Duration.ofMillis(10));
        settings.setMaxBackoff(Duration.ofMillis(100));
        settings.setRequestTimeout(Duration.ofSeconds(5));
        settings.setCircuitOpenDuration(Duration.ofMillis(200));
        settings.setShutdownGrace(Duration.ofSeconds(1));
        tweak.accept(settings);
        return context;
    }

    private NotificationDispatcher dispatcher(ApplicationContext context, Clock clock) {
        if (meters == null) {
            meters = new SimpleMeterRegistry();
        }
        NotificationDispatcher dispatcher = new NotificationDispatcher(context.getBean(DispatcherSettings.class),
                Map.of("bootstrap.servers", broker.bootstrapServers()),
                Map.of("schema.registry.url", InMemorySchemaRegistry.SCHEME + SCOPE), topics,
                context.getBean(Notifier.class), meters, clock);
        dispatcher.start();
        closing.push(dispatcher);
        return dispatcher;
    }

    private void send(AlertEvent event) throws Exception {
        producer.send(new ProducerRecord<>(topics.events(), event.getAlertKey(), event)).get(10, TimeUnit.SECONDS);
    }

    /** {@code keys} alerts × {@code perKey} notifying events each; returns message_id → "key#index". */
    private Map<String, String> sendSequences(int keys, int perKey) throws Exception {
        Map<String, String> order = new HashMap<>();
        for (int i = 0; i < perKey; i++) {
            for (int k = 0; k < keys; k++) {
                AlertEvent e = TestEvents.event("lag", "pg-" + k, Transition.REMINDER, i + 1).build();
                order.put(e.getMessageId(), e.getAlertKey() + "#" + i);
                send(e);
            }
        }
        return order;
    }

    private static void assertOrderPerKey(FakeNotificationService fake, Map<String, String> expected) {
        Map<String, List<Integer>> seen = new HashMap<>();
        for (FakeNotificationService.Request r : fake.delivered()) {
            String[] keyAndIndex = expected.get(messageId(r)).split("#");
            seen.computeIfAbsent(keyAndIndex[0], k -> new ArrayList<>()).add(Integer.parseInt(keyAndIndex[1]));
        }
        seen.forEach((key, indexes) -> assertEquals(indexes.stream().sorted().toList(), indexes, "order of " + key));
        assertEquals(expected.size(), seen.values().stream().mapToInt(List::size).sum(), "each delivered exactly once here");
    }

    private static String messageId(FakeNotificationService.Request r) {
        return messageIdOf(r.body());
    }

    private static String messageIdOf(String body) {
        Matcher m = MESSAGE_ID.matcher(body);
        if (!m.find()) {
            fail("no message_id in " + body);
        }
        return m.group(1);
    }

    private double count(String name, String... tags) {
        var search = meters.find(name).tags(tags);
        if (search.counter() != null) {
            return search.counter().count();
        }
        if (search.functionCounter() != null) {
            return search.functionCounter().count();
        }
        return 0;
    }

    /** Sum of the committed offsets of the test's group over the events topic (= records done, one partition or three). */
    private long committed() {
        return committedOrZero();
    }

    private long committedOrZero() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] originalBytes(int index) {
        List<ConsumerRecord<byte[], byte[]>> all = readAll(topics.events(), index + 1);
        return all.stream().filter(r -> new String(r.key(), StandardCharsets.UTF_8).contains("pg-bad")).findFirst()
                .orElseThrow().value();
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int atLeast) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
                "group.id", "reader-" + UUID.randomUUID(), "auto.offset.reset", "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (records.size() < atLeast && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                batch.forEach(records::add);
            }
            assertTrue(records.size() >= atLeast, "read " + records.size() + " from " + topic);
            return records;
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        assertTrue(h != null, "header " + name);
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
        fail(what + " did not happen within 60 s");
    }

    private static Path stateDir() throws IOException {
        Path dir = Files.createTempDirectory("dispatch-it-state-");
        dir.toFile().deleteOnExit();
        return dir;
    }
}
