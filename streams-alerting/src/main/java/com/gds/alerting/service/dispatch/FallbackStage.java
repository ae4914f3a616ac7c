package com.gds.alerting.service.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import jakarta.mail.internet.InternetAddress;

/**
 * The e-mail fallback stage (README, "E-mail fallback"): beside the {@link RetryStage}, not in its
 * way. A delivery of a mailed severity (critical and high by default) that gds_notification has
 * not taken — its circuit is open, or {@code after} has passed since the first failed attempt — is
 * mailed once over SMTP ({@link SmtpMailer}), recorded in the {@link FallbackLedger}, and marked
 * ({@link Delivery#markFallbackSent}): the lane keeps delivering it to gds_notification, now with
 * the labels {@code fallback_sent_at} and {@code fallback_channel=email}, until it is taken or
 * dead-lettered. So the notification is never lost and never only in a mailbox.
 *
 * <p>Mails are sent from the stage's own thread, never a lane's. A mail the server refuses or
 * cannot take is retried with a doubling backoff while the delivery waits; each failure is
 * counted and logged at WARN, and {@link #failing()} (DEGRADED health) holds until a mail goes
 * through or nothing waits any more. A notification mailed before a restart (by this or another
 * dispatcher) is marked from the ledger and not mailed again.
 */
final class FallbackStage implements DeliveryWatcher, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FallbackStage.class);
    /** The channel named in the {@code fallback_channel} label. */
    static final String CHANNEL = "email";

    /** A delivery the stage watches: since when it fails, and its mail attempts (the stage's thread only). */
    private static final class Watch {
        final Instant since;
        int failures;
        @Nullable
        Instant nextAttempt;

        Watch(Instant since) {
            this.since = since;
        }
    }

    private final FallbackSettings settings;
    private final SmtpMailer mailer;
    private final FallbackLedger ledger;
    private final CircuitBreaker breaker;
    private final Clock clock;
    private final Set<String> severities;
    private final Map<Delivery, Watch> watched = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private volatile int consecutiveFailures;
    private volatile boolean stopping;
    @Nullable
    private volatile String lastFailure;

    FallbackStage(FallbackSettings settings, SmtpMailer mailer, FallbackLedger ledger, CircuitBreaker breaker,
                  MeterRegistry registry, Clock clock) {
        this.settings = settings;
        this.mailer = mailer;
        this.ledger = ledger;
        this.breaker = breaker;
        this.clock = clock;
        this.registry = registry;
        this.severities = Set.copyOf(settings.getSeverities());
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gds-dispatch-fallback");
            t.setDaemon(true);
            return t;
        });
        Gauge.builder("gds.alerting.notifications.fallback.waiting", watched, Map::size)
                .description("notifications of a mailed severity that gds_notification has not taken yet").register(registry);
        Gauge.builder("gds.alerting.notifications.fallback.failing", this, s -> s.failing() ? 1 : 0)
                .description("1 while the e-mail fallback fails and notifications wait for it").register(registry);
    }

    /** Reads the ledger to its end, then starts looking at the waiting deliveries. On the dispatcher's thread. */
    void start() {
        ledger.load(settings.getRecordLoadTimeout());
        long every = settings.getCheckInterval().toMillis();
        executor.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
        LOG.info("e-mail fallback on: {} after {}{} via {}", severities, settings.getAfter(),
                settings.isOnCircuitOpen() ? " or while the circuit is open" : "", mailer);
    }

    @Override
    public void attempting(Delivery d) {
        if (d.fallbackSentAt() == null) {
            Instant at = ledger.mailedAt(d.payload().messageId());
            if (at != null) {
                d.markFallbackSent(at, CHANNEL); // mailed before a restart or by another dispatcher: say so
            }
        }
    }

    @Override
    public void waiting(Delivery d) {
        if (d.fallbackSentAt() == null && severities.contains(d.payload().severity())) {
            watched.computeIfAbsent(d, k -> new Watch(clock.instant()));
        }
    }

    @Override
    public void finished(Delivery d) {
        watched.remove(d);
    }

    /** True while a mail failed last and notifications still wait for the fallback. */
    boolean failing() {
        return consecutiveFailures > 0 && !watched.isEmpty();
    }

    /** The last failure's cause and error, while {@link #failing()}. */
    @Nullable
    String lastFailure() {
        return failing() ? lastFailure : null;
    }

    /** Deliveries watched: of a mailed severity, not yet taken by gds_notification nor mailed. */
    int waitingCount() {
        return watched.size();
    }

    private void check() {
        try {
            Instant now = clock.instant();
            for (Map.Entry<Delivery, Watch> e : watched.entrySet()) {
                if (stopping) {
                    return;
                }
                consider(e.getKey(), e.getValue(), now);
            }
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log, count, and keep the schedule.
            LOG.error("e-mail fallback check failed", e);
            count("gds.alerting.notifications.fallback.failures", "mails that failed", "cause", "internal_error");
        }
    }

    private void consider(Delivery d, Watch w, Instant now) {
        String id = d.payload().messageId();
        if (d.abandoned() || d.fallbackSentAt() != null) {
            watched.remove(d);
            return;
        }
        Instant before = ledger.mailedAt(id);
        if (before != null) {
            d.markFallbackSent(before, CHANNEL);
            watched.remove(d);
            count("gds.alerting.notifications.fallback.skipped", "notifications not mailed", "reason", "already_mailed");
            return;
        }
        boolean circuitOpen = settings.isOnCircuitOpen() && breaker.state() != CircuitBreaker.State.CLOSED;
        boolean late = !now.isBefore(w.since.plus(settings.getAfter()));
        if (!circuitOpen && !late || w.nextAttempt != null && now.isBefore(w.nextAttempt)) {
            return;
        }
        NotificationPayload payload = d.payload();
        List<InternetAddress> to = settings.recipients(payload.routingKey(), payload.severity());
        if (to.isEmpty()) {
            LOG.warn("message_id {} ({}, routing key {}) waits for gds_notification but has no fallback recipients", id,
                    payload.severity(), payload.routingKey());
            watched.remove(d);
            count("gds.alerting.notifications.fallback.skipped", "notifications not mailed", "reason", "no_recipients");
            return;
        }
        SmtpMailer.Result result = mailer.send(payload, to);
        if (result.sent()) {
            Instant sentAt = clock.instant();
            if (!ledger.record(id, sentAt)) {
                count("gds.alerting.notifications.fallback.record.failures",
                        "mails sent but not recorded (a restart may mail them again)", "topic", settings.getTopic());
            }
            d.markFallbackSent(sentAt, CHANNEL);
            watched.remove(d);
            consecutiveFailures = 0;
            String trigger = circuitOpen ? "circuit_open" : "after";
            count("gds.alerting.notifications.fallback.sent", "notifications mailed (accepted by the SMTP server)",
                    "trigger", trigger);
            LOG.warn("gds_notification has not taken message_id {} ({}): mailed to {} ({}); it is still delivered there, "
                    + "labelled fallback_sent_at", id, payload.subject(), to.size() + " recipient(s)",
                    trigger.replace('_', ' '));
        } else {
            w.failures++;
            Duration delay = backoff(w.failures);
            w.nextAttempt = now.plus(delay);
            consecutiveFailures++;
            lastFailure = result.cause() + ": " + result.error();
            count("gds.alerting.notifications.fallback.failures", "mails that failed", "cause",
                    result.cause().toLowerCase(Locale.ROOT));
            LOG.warn("e-mail fallback of message_id {} failed ({}), attempt {}; next in {}: {}", id, result.cause(),
                    w.failures, delay, result.error());
        }
    }

    private Duration backoff(int failures) {
        Duration d = settings.getInitialBackoff();
        for (int i = 1; i < failures && d.compareTo(settings.getMaxBackoff()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(settings.getMaxBackoff()) > 0 ? settings.getMaxBackoff() : d;
    }

    private void count(String name, String description, String tag, String value) {
        counters.computeIfAbsent(name + "|" + value, k -> Counter.builder(name).description(description).tag(tag, value)
                .register(registry)).increment();
    }

    /**
     * Stops looking. A mail under way finishes and is recorded (its SMTP timeout bounds the wait):
     * interrupting it between the server's answer and the record would mail it again after the restart.
     */
    @Override
    public void close() {
        stopping = true;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(settings.getSmtp().getTimeout().plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("the e-mail fallback did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ledger.close();
        }
    }
}
