package com.gds.alerting.service.selfmonitor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import com.gds.alerting.service.dispatch.NotificationPayload;
import com.gds.alerting.service.dispatch.Notifier;
import com.gds.alerting.service.dispatch.NotifyResult;

/**
 * One beat of the dead man's switch: when the pipeline is healthy, one notification to
 * gds_notification through the same notifier as the alerts (so it proves the whole way out works);
 * when it is not, nothing, and one WARN line when that starts. Its {@code message_id} names the
 * interval it belongs to ({@code gds-watchdog:<application id>:<interval start>}), so every
 * instance of a deployment sends the same id in the same interval and gds_notification keeps one:
 * duplicates are harmless, and one healthy instance is enough to keep the switch held.
 *
 * <p>One attempt per beat, no retry: a lost beat is what the switch is for, and the next interval
 * brings the next one. Counted in {@code gds_watchdog_beats_total{outcome}} (delivered, failed,
 * withheld).
 */
public final class Watchdog implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

    private final WatchdogSettings settings;
    private final String applicationId;
    private final String instance;
    private final Notifier notifier;
    private final PipelineHealth health;
    private final Clock clock;
    private final Counter delivered;
    private final Counter failed;
    private final Counter withheld;
    /** Whether the previous beat was withheld; null before the first. Only the scheduler thread touches it. */
    private Boolean wasWithheld;
    /** The interval of the last beat sent: a late tick followed by a punctual one must not send twice in one interval. */
    private Instant lastSlot;

    /**
     * @param applicationId the deployment ({@code gds.alerting.application-id}): the notification's instance
     * @param instance      this process's advertised address, as a label
     */
    public Watchdog(WatchdogSettings settings, String applicationId, String instance, Notifier notifier, PipelineHealth health,
                    MeterRegistry registry, Clock clock) {
        this.settings = settings;
        this.applicationId = applicationId;
        this.instance = instance;
        this.notifier = notifier;
        this.health = health;
        this.clock = clock;
        this.delivered = counter(registry, "delivered");
        this.failed = counter(registry, "failed");
        this.withheld = counter(registry, "withheld");
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("gds.watchdog.beats").description("watchdog notifications by outcome")
                .tag("outcome", outcome).register(registry);
    }

    @Override
    public void run() {
        try {
            beat();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log, count, and keep beating.
            failed.increment();
            LOG.warn("watchdog beat failed", e);
        }
    }

    private void beat() {
        PipelineHealth.Verdict verdict = health.check();
        if (!verdict.healthy()) {
            withheld.increment();
            if (!Boolean.TRUE.equals(wasWithheld)) {
                LOG.warn("watchdog withheld: {}; nothing is sent to {} until the pipeline is healthy again, so its absence"
                        + " shows outside", verdict.reason(), notifier.name());
            }
            wasWithheld = true;
            return;
        }
        if (Boolean.TRUE.equals(wasWithheld)) {
            LOG.info("watchdog resumed: {}", verdict.reason());
        }
        wasWithheld = false;
        Instant now = clock.instant();
        Instant slot = slot(now);
        if (slot.equals(lastSlot)) {
            return;
        }
        lastSlot = slot;
        NotificationPayload payload = payload(now, verdict.reason());
        NotifyResult result = notifier.send(payload);
        if (result.outcome() == NotifyResult.Outcome.DELIVERED) {
            delivered.increment();
            LOG.debug("watchdog {} delivered", payload.messageId());
        } else {
            failed.increment();
            LOG.warn("watchdog {} not delivered: {} {} {}", payload.messageId(), result.cause(), result.status(), result.body());
        }
    }

    /** The notification of the interval that {@code now} falls in. */
    NotificationPayload payload(Instant now, String health) {
        Instant slot = slot(now);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("gds_watchdog", "true");
        labels.put("application_id", applicationId);
        labels.put("interval_seconds", Long.toString(settings.getInterval().toSeconds()));
        labels.put("sent_by", instance);
        String every = settings.getInterval().toString().substring(2).toLowerCase(Locale.ROOT);
        return new NotificationPayload(settings.getAlertName(), applicationId,
                "[INFO] WATCHDOG " + applicationId + ": the alerting pipeline is healthy",
                "The GDS alerting pipeline '" + applicationId + "' sends this every " + every + " while it is healthy ("
                        + health + ").\nIts absence is the alert: if none arrives for a few intervals, the pipeline (or"
                        + " its way to gds_notification) is down.\nInterval start: " + slot + "; sent by " + instance + ".",
                settings.getAlertName() + ":" + applicationId + ":" + slot, "info", null, labels, settings.getRoutingKey());
    }

    private Instant slot(Instant now) {
        long intervalMs = Math.max(1, settings.getInterval().toMillis());
        return Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), intervalMs) * intervalMs);
    }

    /** How often {@link #run} should be called. */
    public Duration interval() {
        return settings.getInterval();
    }
}
