package com.gds.alerting.service.selfmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import com.gds.alerting.service.dispatch.NotificationDispatcher;
import com.gds.alerting.service.dispatch.NotificationPayload;
import com.gds.alerting.service.dispatch.Notifier;
import com.gds.alerting.service.dispatch.NotifyResult;

/** When the watchdog may beat, and what a beat says. */
class PipelineHealthAndWatchdogTest {

    private static final Instant NOW = Instant.parse("2026-12-07T10:00:30Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration MAX_POLL_AGE = Duration.ofMinutes(1);

    static Stream<Arguments> cases() {
        Instant fresh = NOW.minusSeconds(1);
        Instant stale = NOW.minus(MAX_POLL_AGE).minusSeconds(1);
        var running = NotificationDispatcher.State.RUNNING;
        return Stream.of(
                Arguments.of("running streams, polling dispatcher", KafkaStreams.State.RUNNING, running, fresh, true),
                Arguments.of("a rebalance is routine", KafkaStreams.State.REBALANCING, running, fresh, true),
                Arguments.of("streams not started", KafkaStreams.State.CREATED, running, fresh, false),
                Arguments.of("streams failed", KafkaStreams.State.ERROR, running, fresh, false),
                Arguments.of("streams failing", KafkaStreams.State.PENDING_ERROR, running, fresh, false),
                Arguments.of("streams stopping", KafkaStreams.State.PENDING_SHUTDOWN, running, fresh, false),
                Arguments.of("streams stopped", KafkaStreams.State.NOT_RUNNING, running, fresh, false),
                Arguments.of("dispatcher thread died", KafkaStreams.State.RUNNING, NotificationDispatcher.State.FAILED, fresh, false),
                Arguments.of("dispatcher stopped", KafkaStreams.State.RUNNING, NotificationDispatcher.State.STOPPED, fresh, false),
                Arguments.of("dispatcher stuck (no poll for too long)", KafkaStreams.State.RUNNING, running, stale, false),
                Arguments.of("dispatcher never polled", KafkaStreams.State.RUNNING, running, null, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theWatchdogBeatsOnlyWhenStreamsRunAndTheDispatcherPolls(String why, KafkaStreams.State streams,
                                                                  NotificationDispatcher.State dispatcher, Instant lastPoll,
                                                                  boolean healthy) {
        PipelineHealth.Verdict verdict = new PipelineHealth(() -> streams, () -> dispatcher, () -> lastPoll, MAX_POLL_AGE, CLOCK)
                .check();
        assertEquals(healthy, verdict.healthy(), why + ": " + verdict.reason());
    }

    @Test
    void withoutADispatcherInThisProcessOnlyTheStreamsCount() {
        assertTrue(new PipelineHealth(() -> KafkaStreams.State.RUNNING, null, null, MAX_POLL_AGE, CLOCK).check().healthy());
    }

    @Test
    void aBeatCarriesOneMessageIdPerIntervalTheSameOnEveryInstance() {
        WatchdogSettings settings = new WatchdogSettings();
        settings.setRoutingKey("deadmans-switch");
        Watchdog a = watchdog(settings, "10.0.0.1:8080", new Recording(), KafkaStreams.State.RUNNING);
        Watchdog b = watchdog(settings, "10.0.0.2:8080", new Recording(), KafkaStreams.State.RUNNING);
        NotificationPayload first = a.payload(Instant.parse("2026-12-07T10:00:05Z"), "ok");
        assertEquals("gds-watchdog:gds-alerting:2026-12-07T10:00:00Z", first.messageId());
        assertEquals(first.messageId(), b.payload(Instant.parse("2026-12-07T10:00:59.999Z"), "ok").messageId(),
                "another instance, same interval: the same id, so gds_notification keeps one");
        assertNotEquals(first.messageId(), a.payload(Instant.parse("2026-12-07T10:01:00Z"), "ok").messageId(),
                "the next interval: a new id");
        assertEquals("gds-watchdog", first.alertName());
        assertEquals("gds-alerting", first.dbInstanceId());
        assertEquals("info", first.severity());
        assertEquals("deadmans-switch", first.routingKey());
        assertEquals("true", first.labels().get("gds_watchdog"));
    }

    @Test
    void aBeatIsSentWhenHealthyAndWithheldWhenNot() {
        Recording healthyOut = new Recording();
        watchdog(new WatchdogSettings(), "h:1", healthyOut, KafkaStreams.State.RUNNING).run();
        assertEquals(1, healthyOut.sent.size());
        Recording unhealthyOut = new Recording();
        watchdog(new WatchdogSettings(), "h:1", unhealthyOut, KafkaStreams.State.ERROR).run();
        assertEquals(List.of(), unhealthyOut.sent);
    }

    private static Watchdog watchdog(WatchdogSettings settings, String instance, Notifier notifier, KafkaStreams.State streams) {
        return new Watchdog(settings, "gds-alerting", instance, notifier,
                new PipelineHealth(() -> streams, null, null, MAX_POLL_AGE, CLOCK), new SimpleMeterRegistry(), CLOCK);
    }

    /** A notifier that keeps what it is given (the real HTTP path is in SelfMonitorServiceIT). */
    private static final class Recording implements Notifier {
        final List<NotificationPayload> sent = new CopyOnWriteArrayList<>();

        @Override
        public NotifyResult send(NotificationPayload payload) {
            sent.add(payload);
            return NotifyResult.delivered(202);
        }

        @Override
        public String name() {
            return "recording";
        }
    }
}
