package com.gds.alerting.service.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.mail.internet.MimeMessage;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * The e-mail fallback end to end: the dispatcher on the in-process broker, a real HTTP stand-in
 * for gds_notification answering 503, and GreenMail as a real SMTP server on a free port. Every
 * wait is a condition with a deadline; time that matters ({@code after}) is an injected clock.
 */
class FallbackMailIT {

    private static final String SCOPE = "fallback-it-" + UUID.randomUUID();
    private static final String PASSWORD = "s3cr3t-Pa55word";
    private static final String WRONG_PASSWORD = "wr0ng-Pa55word";
    private static EmbeddedKafkaBroker broker;
    private static KafkaProducer<String, AlertEvent> producer;

    private final Deque<AutoCloseable> closing = new ArrayDeque<>();
    private GdsTopics topics;
    private String group;
    private String fallbackTopic;
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
    void aCriticalNotificationIsMailedWhileTheCircuitIsOpenAndStillDeliveredLaterMarkedWithTheSameMessageId() throws Exception {
        GreenMail smtp = smtp(null);
        FakeNotificationService gds = fakeAnswering503();
        ApplicationContext context = context(gds.url());
        NotificationDispatcher dispatcher = dispatcher(context, fallback(smtp, f -> { }), Clock.systemUTC());
        AlertEvent event = TestEvents.fired("lag", "pg-1"); // critical, routing key dba-oncall
        send(event);

        await("mailed", () -> smtp.getReceivedMessages().length == 1);
        MimeMessage mail = smtp.getReceivedMessages()[0];
        NotificationPayload payload = NotificationFormatter.format(event);
        assertEquals("<" + event.getMessageId() + "@gds-alerting>", mail.getMessageID(), "Message-ID from message_id");
        assertEquals(payload.subject(), mail.getSubject());
        assertEquals(payload.bodyText().strip(), String.valueOf(mail.getContent()).replace("\r\n", "\n").strip(),
                "the body is body_text (SMTP carries CRLF line ends)");
        assertEquals("dba@example.com", mail.getAllRecipients()[0].toString(), "the routing key's recipients");
        assertEquals("alerts@example.com", mail.getFrom()[0].toString());
        assertEquals(event.getMessageId(), mail.getHeader(SmtpMailer.MESSAGE_ID_HEADER)[0]);
        // Counted once the SMTP server accepted it, a moment after GreenMail holds it: wait for it.
        await("counted as sent", () -> count("gds.alerting.notifications.fallback.sent", "trigger", "circuit_open") >= 1);
        assertEquals(1.0, count("gds.alerting.notifications.fallback.sent", "trigger", "circuit_open"));
        assertEquals(0, gds.delivered().size(), "gds_notification has taken nothing yet");

        gds.answer(body -> FakeNotificationService.Answer.ok());
        await("delivered to gds_notification once it is back", () -> gds.delivered().size() == 1);
        Map<String, Object> body = context.getBean(JsonMapper.class).readValue(gds.delivered().get(0).body(),
                Argument.mapOf(String.class, Object.class));
        assertEquals(event.getMessageId(), body.get("message_id"), "the same message_id as the mail");
        Map<?, ?> labels = (Map<?, ?>) body.get("labels");
        assertEquals("email", labels.get("fallback_channel"));
        assertTrue(Instant.parse(String.valueOf(labels.get("fallback_sent_at"))).isBefore(Instant.now().plusSeconds(1)));
        assertEquals("dba", labels.get("team"), "the alert's own labels are kept");
        assertEquals(payload.subject(), body.get("subject"), "nothing else changed");
        assertEquals(1, smtp.getReceivedMessages().length, "mailed once");
        await("nothing waits", () -> dispatcher.waiting() == 0);
    }

    @Test
    void warningAndInfoAreNotMailedByDefault() throws Exception {
        GreenMail smtp = smtp(null);
        FakeNotificationService gds = fakeAnswering503();
        NotificationDispatcher dispatcher = dispatcher(context(gds.url()), fallback(smtp, f -> { }), Clock.systemUTC());
        send(TestEvents.event("lag", "pg-warn", Transition.FIRED, 0).setSeverity(Severity.WARNING).build());
        send(TestEvents.event("lag", "pg-info", Transition.FIRED, 0).setSeverity(Severity.INFO).build());
        AlertEvent high = TestEvents.event("lag", "pg-high", Transition.FIRED, 0).setSeverity(Severity.HIGH)
                .setRoutingKey(null).build();
        send(high);

        // The fallback watches (and then mails) only mailed severities: once it watches nothing, the
        // high one is mailed and the warning and info ones were never candidates.
        await("the high one mailed", () -> smtp.getReceivedMessages().length >= 1);
        await("all three wait for gds_notification", () -> dispatcher.waiting() == 3);
        await("the fallback watches nothing", () -> gauge("gds.alerting.notifications.fallback.waiting") == 0.0);
        assertEquals(1, smtp.getReceivedMessages().length, "only the high one");
        assertEquals(high.getMessageId(), smtp.getReceivedMessages()[0].getHeader(SmtpMailer.MESSAGE_ID_HEADER)[0]);
        assertEquals("oncall@example.com", smtp.getReceivedMessages()[0].getAllRecipients()[0].toString(),
                "no routing-key or severity entry for it: the default recipients");
    }

    @Test
    void withTheCircuitClosedANotificationIsMailedOnlyOnceAfterHasPassedOnTheClock() throws Exception {
        GreenMail smtp = smtp(null);
        FakeNotificationService gds = fakeAnswering503();
        MutableClock clock = new MutableClock(Instant.parse("2026-11-03T03:00:00Z"));
        ApplicationContext context = context(gds.url());
        context.getBean(DispatcherSettings.class).setCircuitFailureThreshold(1000); // the circuit stays closed
        context.getBean(DispatcherSettings.class).setMaxAttempts(0);
        dispatcher(context, fallback(smtp, f -> {
            f.setOnCircuitOpen(false);
            f.setAfter(Duration.ofMinutes(2));
        }), clock);
        send(TestEvents.fired("lag", "pg-1"));

        await("the fallback watches it", () -> gauge("gds.alerting.notifications.fallback.waiting") == 1.0);
        await("retried a few times", () -> gds.requests().size() >= 3);
        assertEquals(0, smtp.getReceivedMessages().length, "the clock has not moved: not yet");
        clock.advance(Duration.ofMinutes(2));
        await("mailed once after has passed", () -> smtp.getReceivedMessages().length == 1);
        // Counted once the SMTP server accepted it, a moment after GreenMail holds it: wait for it.
        await("counted as sent", () -> count("gds.alerting.notifications.fallback.sent", "trigger", "after") >= 1);
        assertEquals(1.0, count("gds.alerting.notifications.fallback.sent", "trigger", "after"));
    }

    @Test
    void anSmtpServerThatRefusesIsRetriedCountedLoggedAndShownDegradedUntilItComesBack() throws Exception {
        ListAppender<ILoggingEvent> log = capture(FallbackStage.class.getName());
        GreenMail first = smtp(null);
        int port = first.getSmtp().getPort();
        FakeNotificationService gds = fakeAnswering503();
        ApplicationContext context = context(gds.url());
        FallbackSettings settings = fallback(first, f -> { });
        first.stop(); // the port now refuses connections
        NotificationDispatcher dispatcher = dispatcher(context, settings, Clock.systemUTC());
        send(TestEvents.fired("lag", "pg-1"));

        await("mail attempts failed", () -> count("gds.alerting.notifications.fallback.failures", "cause", "connection") >= 2);
        assertTrue(messages(log, Level.WARN).stream().anyMatch(m -> m.contains("e-mail fallback of message_id")
                && m.contains("failed (CONNECTION)")), "a WARN line per failed attempt");
        HealthResult degraded = new DispatcherHealth(dispatcher).result();
        assertEquals("DEGRADED", degraded.getStatus().getName());
        Map<?, ?> details = (Map<?, ?>) degraded.getDetails();
        assertEquals("failing", details.get("fallback"));
        assertTrue(String.valueOf(details.get("fallback_error")).startsWith("CONNECTION"), String.valueOf(details));
        assertEquals(1.0, gauge("gds.alerting.notifications.fallback.failing"));

        GreenMail again = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        again.start();
        closing.push(again::stop);
        await("mailed once the server is back", () -> again.getReceivedMessages().length == 1);
        await("not failing any more", () -> !dispatcher.fallbackFailing());
        assertEquals("ok", ((Map<?, ?>) new DispatcherHealth(dispatcher).result().getDetails()).get("fallback"));
        assertEquals(0.0, gauge("gds.alerting.notifications.fallback.failing"));

        gds.answer(body -> FakeNotificationService.Answer.ok());
        await("delivered to gds_notification", () -> gds.delivered().size() == 1);
        assertTrue(gds.delivered().get(0).body().contains("\"fallback_channel\":\"email\""));
    }

    @Test
    void aRestartedDispatcherDoesNotMailAgainAndStillMarksTheNotification() throws Exception {
        GreenMail smtp = smtp(null);
        FakeNotificationService gds = fakeAnswering503();
        ApplicationContext context = context(gds.url());
        context.getBean(DispatcherSettings.class).setShutdownGrace(Duration.ZERO);
        FallbackSettings settings = fallback(smtp, f -> { });
        NotificationDispatcher first = dispatcher(context, settings, Clock.systemUTC());
        AlertEvent event = TestEvents.fired("lag", "pg-1");
        send(event);
        await("mailed", () -> smtp.getReceivedMessages().length == 1);
        first.close();
        assertFalse(first.isRunning());

        meters = null; // a new process: new meters
        dispatcher(context, settings, Clock.systemUTC());
        await("the redelivered event is known as mailed",
                () -> count("gds.alerting.notifications.fallback.skipped", "reason", "already_mailed") >= 1
                        || gds.requests().stream().filter(r -> r.body().contains("fallback_sent_at")).count() >= 1);
        gds.answer(body -> FakeNotificationService.Answer.ok());
        await("delivered", () -> gds.delivered().size() == 1);
        assertTrue(gds.delivered().get(0).body().contains("\"fallback_channel\":\"email\""),
                "marked from the record: " + gds.delivered().get(0).body());
        assertEquals(1, smtp.getReceivedMessages().length, "not mailed a second time");
        assertEquals(0.0, count("gds.alerting.notifications.fallback.sent", "trigger", "circuit_open"),
                "the second dispatcher sent no mail");
    }

    @Test
    void smtpCredentialsArePassedThroughAndNeverLogged() throws Exception {
        ListAppender<ILoggingEvent> log = capture(org.slf4j.Logger.ROOT_LOGGER_NAME);
        GreenMail smtp = smtp(GreenMailConfiguration.aConfig().withUser("alerts@example.com", "alerts", PASSWORD));
        FakeNotificationService gds = fakeAnswering503();
        ApplicationContext context = context(gds.url());
        context.getBean(DispatcherSettings.class).setShutdownGrace(Duration.ZERO);
        FallbackSettings wrong = fallback(smtp, f -> {
            f.getSmtp().setUsername("alerts");
            f.getSmtp().setPassword(WRONG_PASSWORD);
        });
        NotificationDispatcher refused = dispatcher(context, wrong, Clock.systemUTC());
        send(TestEvents.fired("lag", "pg-1"));
        await("authentication refused", () -> count("gds.alerting.notifications.fallback.failures", "cause", "smtp_auth") >= 1);
        String health = String.valueOf(new DispatcherHealth(refused).result().getDetails());
        refused.close();

        meters = null;
        FallbackSettings right = fallback(smtp, f -> {
            f.getSmtp().setUsername("alerts");
            f.getSmtp().setPassword(PASSWORD);
        });
        dispatcher(context, right, Clock.systemUTC());
        await("mailed with the right credentials", () -> smtp.getReceivedMessages().length == 1);

        for (String secret : List.of(PASSWORD, WRONG_PASSWORD)) {
            for (String line : everything(log)) {
                assertFalse(line.contains(secret), "a password in the log: " + line);
            }
            assertFalse(health.contains(secret), health);
            assertFalse(wrong.toString().contains(secret) || right.toString().contains(secret));
        }
        assertTrue(everything(log).stream().anyMatch(l -> l.contains("SMTP_AUTH")), "the refusal itself is logged");
    }

    @Test
    void smtpsIsUsedWithTheJakartaMailPropertiesPassedThrough() throws Exception {
        GreenMail smtps = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));
        smtps.start();
        closing.push(smtps::stop);
        FakeNotificationService gds = fakeAnswering503();
        ApplicationContext context = context(gds.url());
        FallbackSettings settings = fallback(smtps, f -> {
            f.getSmtp().setPort(smtps.getSmtps().getPort());
            f.getSmtp().setSecurity(FallbackSettings.Security.SMTPS);
            // GreenMail's certificate is self-signed and names no host: trusting it anyway takes two
            // pass-through Jakarta Mail properties (without them the handshake fails, cause TLS).
            f.getSmtp().setProperties(Map.of("mail.smtps.ssl.trust", "*", "mail.smtps.ssl.checkserveridentity", "false"));
        });
        dispatcher(context, settings, Clock.systemUTC());
        send(TestEvents.fired("lag", "pg-1"));
        await("mailed over TLS", () -> smtps.getReceivedMessages().length == 1);
    }

    // ---------------------------------------------------------------- harness

    private GreenMail smtp(GreenMailConfiguration config) {
        GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        if (config != null) {
            mail.withConfiguration(config);
        }
        mail.start();
        closing.push(mail::stop);
        return mail;
    }

    private FakeNotificationService fakeAnswering503() throws IOException {
        FakeNotificationService fake = new FakeNotificationService(0);
        fake.answer(body -> FakeNotificationService.Answer.status(503, "{\"error\":\"maintenance\"}"));
        closing.push(fake);
        return fake;
    }

    /** Fallback on, to GreenMail in plain SMTP, fast backoff and checks; {@code tweak} changes the rest. */
    private FallbackSettings fallback(GreenMail smtp, Consumer<FallbackSettings> tweak) {
        FallbackSettings f = new FallbackSettings();
        f.setEnabled(true);
        f.getSmtp().setHost("127.0.0.1");
        f.getSmtp().setPort(smtp.getSmtp() == null ? 1 : smtp.getSmtp().getPort());
        f.getSmtp().setSecurity(FallbackSettings.Security.NONE);
        f.setFrom("alerts@example.com");
        f.setTo(List.of("oncall@example.com"));
        f.setToByRoutingKey(Map.of("dba-oncall", "dba@example.com"));
        f.setInitialBackoff(Duration.ofMillis(50));
        f.setMaxBackoff(Duration.ofMillis(200));
        f.setCheckInterval(Duration.ofMillis(50));
        f.setTopic(fallbackTopic);
        tweak.accept(f);
        f.validate();
        return f;
    }

    private ApplicationContext context(String baseUrl) throws Exception {
        String name = UUID.randomUUID().toString().substring(0, 8);
        topics = GdsTopics.fromConfig(Map.of("gds.topics.events", "it." + name + ".events",
                "gds.topics.dlq-notifications", "it." + name + ".dlq"));
        group = "it-fallback-" + name;
        fallbackTopic = "it." + name + ".fallback";
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
        settings.setCircuitFailureThreshold(2);
        settings.setCircuitOpenDuration(Duration.ofMillis(200));
        settings.setShutdownGrace(Duration.ofSeconds(1));
        settings.setStormEnabled(false);
        return context;
    }

    private NotificationDispatcher dispatcher(ApplicationContext context, FallbackSettings fallback, Clock clock) {
        if (meters == null) {
            meters = new SimpleMeterRegistry();
        }
        NotificationDispatcher dispatcher = new NotificationDispatcher(context.getBean(DispatcherSettings.class), fallback,
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

    private double count(String name, String... tags) {
        var c = meters.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    private double gauge(String name) {
        var g = meters.find(name).gauge();
        return g == null ? -1 : g.value();
    }

    private ListAppender<ILoggingEvent> capture(String loggerName) {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(loggerName);
        logger.addAppender(log);
        closing.push(() -> logger.detachAppender(log));
        return log;
    }

    private static List<String> messages(ListAppender<ILoggingEvent> log, Level level) {
        synchronized (log) {
            return log.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    /** Every log line with its arguments and its exception chain (messages and stack traces). */
    private static List<String> everything(ListAppender<ILoggingEvent> log) {
        List<String> out = new ArrayList<>();
        synchronized (log) {
            for (ILoggingEvent e : log.list) {
                StringBuilder b = new StringBuilder(e.getFormattedMessage());
                for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                    b.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
                }
                out.add(b.toString());
            }
        }
        return out;
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
