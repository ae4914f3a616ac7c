package com.gds.alerting.service.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says out loud when delivery to gds_notification stops and starts again: every change of the
 * circuit breaker's state is one WARN line with its cause, how long the trouble has lasted and how
 * many notifications wait. Without it an open circuit stalls delivery for minutes without a word.
 */
final class CircuitLog implements CircuitBreaker.Listener {

    static final String LOGGER = "com.gds.alerting.service.dispatch.CircuitBreaker";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final String service;
    private final IntSupplier waiting;
    private final Clock clock;
    private final int failureThreshold;
    private final Duration openDuration;
    /** When the circuit last left CLOSED; touched only under the listener's own lock. */
    private Instant troubleSince;

    /**
     * @param service          the notifier's name, for the log
     * @param failureThreshold the breaker's threshold, for the log
     * @param openDuration     the breaker's open period, for the log
     * @param waiting          notifications queued or under way (not yet delivered or dead-lettered)
     * @param clock            wall time, for "open for 2m"
     */
    CircuitLog(String service, int failureThreshold, Duration openDuration, IntSupplier waiting, Clock clock) {
        this.service = service;
        this.failureThreshold = failureThreshold;
        this.openDuration = openDuration;
        this.waiting = waiting;
        this.clock = clock;
    }

    @Override
    public synchronized void changed(CircuitBreaker.State from, CircuitBreaker.State to, String cause) {
        Instant now = clock.instant();
        int wait = waiting.getAsInt();
        switch (to) {
            case OPEN -> {
                if (from == CircuitBreaker.State.CLOSED) {
                    troubleSince = now;
                    LOG.warn("circuit to {} OPEN after {} consecutive retryable failures (last: {}); nothing is sent for {},"
                            + " then one probe; {} notification(s) wait", service, failureThreshold, cause, openDuration, wait);
                } else {
                    LOG.warn("circuit to {} OPEN again: the probe failed ({}); delivery stalled for {}; {} notification(s)"
                            + " wait; next probe in {}", service, cause, since(now), wait, openDuration);
                }
            }
            case HALF_OPEN -> LOG.warn("circuit to {} HALF_OPEN: {}; delivery stalled for {}; {} notification(s) wait",
                    service, cause, since(now), wait);
            case CLOSED -> {
                LOG.warn("circuit to {} CLOSED again: it answered ({}) after {} of trouble; {} notification(s) wait and are"
                        + " being delivered", service, cause, since(now), wait);
                troubleSince = null;
            }
        }
    }

    private String since(Instant now) {
        if (troubleSince == null) {
            return "an unknown time";
        }
        Duration d = Duration.between(troubleSince, now);
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}
