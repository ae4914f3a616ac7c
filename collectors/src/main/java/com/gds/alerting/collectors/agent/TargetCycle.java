package com.gds.alerting.collectors.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.collectors.config.TargetConfig;
import com.gds.alerting.collectors.source.Collector;
import com.gds.alerting.collectors.source.DatabaseType;
import com.gds.alerting.collectors.source.Sample;

/**
 * Runs collection cycles of one target. Every cycle publishes {@code up} (1 answered, 0 not) and
 * {@code collection_duration_ms}, then the selected samples, all with one {@code correlation_id}.
 * A cycle that outlives its interval can be {@linkplain #abandon abandoned}: its connection is
 * closed to unblock it and it is reported as {@code up = 0} at once; whatever it finds later is
 * discarded, so each cycle publishes exactly once.
 *
 * <p>A cycle without an answer also publishes {@code collection_failed{reason}} = 1, the
 * {@link FailureReason} class. After a failed login the target is not tried again at once: the
 * wait doubles with each failure in a row (one interval, two, four, ... at most
 * {@link #MAX_AUTH_BACKOFF}), so a wrong password does not lock the account or flood the server's
 * log; the cycles in between still publish {@code up = 0} with {@code reason=auth}, and the log
 * says how long the agent waits.
 */
public final class TargetCycle {

    private static final Logger LOG = LoggerFactory.getLogger(TargetCycle.class);
    /** Published with {@code up = 0}: value 1, tag {@code reason}. */
    public static final String COLLECTION_FAILED = "collection_failed";
    /** The longest wait between login attempts after failed ones. */
    static final Duration MAX_AUTH_BACKOFF = Duration.ofMinutes(15);

    private final TargetConfig target;
    private final Collector collector;
    private final MetricSink sink;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final String version;
    private volatile Running current;
    private volatile CycleOutcome last;
    private boolean lastUp = true;
    private int authFailuresInARow;
    private Instant nextLoginAttempt = Instant.MIN;

    private record Running(String correlationId, Instant start, long startNanos, AtomicBoolean published) {
    }

    public TargetCycle(TargetConfig target, Collector collector, MetricSink sink, Clock clock, LongSupplier nanoTime,
                       String version) {
        this.target = target;
        this.collector = collector;
        this.sink = sink;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.version = version;
    }

    public TargetConfig target() {
        return target;
    }

    /** The last finished cycle, or null before the first. */
    public CycleOutcome lastOutcome() {
        return last;
    }

    /** Runs one cycle and publishes it (unless it was abandoned meanwhile). */
    public CycleOutcome run() {
        Running run = newRun();
        current = run;
        return collect(run);
    }

    /**
     * This slot's cycle, once the previous (abandoned) one has let go of the collector: the slot
     * is timestamped now, so it leaves no hole in {@code up}; if the previous cycle is still
     * blocked after {@code wait}, this slot publishes {@code up = 0} with reason {@code timeout}.
     */
    public CycleOutcome runAfter(Future<?> previous, Duration wait) {
        Running run = newRun();
        current = run;
        try {
            previous.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return publish(run, false, List.of(), "the previous cycle is still blocked", FailureReason.TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return publish(run, false, List.of(), "interrupted while the previous cycle was blocked", FailureReason.TIMEOUT);
        } catch (ExecutionException | CancellationException e) {
            // The previous cycle ended, one way or another: the collector is free.
        }
        return collect(run);
    }

    private CycleOutcome collect(Running run) {
        Instant now = run.start;
        if (now.isBefore(nextLoginAttempt)) {
            return publish(run, false, List.of(), "authentication failed " + authFailuresInARow
                    + " times in a row; next attempt at " + nextLoginAttempt, FailureReason.AUTH);
        }
        List<Sample> samples;
        String error = null;
        FailureReason reason = null;
        try {
            samples = collector.collect();
        } catch (Exception e) {
            samples = List.of();
            error = describe(e);
            reason = FailureReason.classify(e);
            collector.close();
        } catch (Error e) {
            // Keep the target scheduled; a linkage or OOM error is still worth an up = 0.
            samples = List.of();
            error = e.getClass().getSimpleName();
            reason = FailureReason.ERROR;
            collector.close();
        }
        loginOutcome(now, reason);
        return publish(run, error == null, samples, error, reason);
    }

    /** Counts failed logins in a row and sets when the next one may be tried. */
    private void loginOutcome(Instant now, FailureReason reason) {
        if (reason != FailureReason.AUTH) {
            authFailuresInARow = 0;
            nextLoginAttempt = Instant.MIN;
            return;
        }
        authFailuresInARow++;
        long intervals = 1L << Math.min(20, authFailuresInARow - 1);
        Duration wait = target.interval().multipliedBy(intervals);
        if (wait.compareTo(MAX_AUTH_BACKOFF) > 0) {
            wait = MAX_AUTH_BACKOFF;
        }
        // The first failure is retried at the next cycle as usual; from the second on, cycles are skipped.
        if (authFailuresInARow > 1) {
            nextLoginAttempt = now.plus(wait);
            LOG.warn("{} ({}): authentication failed {} times in a row; backing off, next login attempt in {} "
                    + "(the wait doubles up to {}); up = 0 with reason=auth meanwhile. Check the target's credentials",
                    target.instanceId(), target.type().id(), authFailuresInARow, wait, MAX_AUTH_BACKOFF);
        }
    }

    /**
     * Gives up on the running cycle: closes its connection so it unblocks, and publishes it as
     * {@code up = 0}. Called from the scheduler when the next start is due.
     */
    public void abandon() {
        Running run = current;
        if (run != null && !run.published.get()) {
            publish(run, false, List.of(), "the cycle did not finish within the interval (" + target.interval() + ")",
                    FailureReason.TIMEOUT);
        }
        collector.close();
    }

    private Running newRun() {
        return new Running(UUID.randomUUID().toString(), clock.instant(), nanoTime.getAsLong(), new AtomicBoolean());
    }

    private CycleOutcome publish(Running run, boolean up, List<Sample> samples, String error, FailureReason reason) {
        if (!run.published.compareAndSet(false, true)) {
            return last;
        }
        long durationMs = Math.max(0, (nanoTime.getAsLong() - run.startNanos) / 1_000_000);
        MetricMetadata meta = new MetricMetadata(durationMs, version, run.correlationId);
        long ts = run.start.toEpochMilli();
        List<Metric> metrics = new ArrayList<>(samples.size() + 2);
        metrics.add(metric(ts, DatabaseType.UP, up ? 1 : 0, Map.of(), meta));
        metrics.add(metric(ts, DatabaseType.COLLECTION_DURATION_MS, durationMs, Map.of(), meta));
        if (!up) {
            metrics.add(metric(ts, COLLECTION_FAILED, 1, Map.of("reason", reason.tag()), meta));
        }
        for (Sample s : samples) {
            if (target.selects(s.name()) && Double.isFinite(s.value())) {
                long at = s.measuredAt() == null ? ts : s.measuredAt().toEpochMilli();
                metrics.add(metric(at, s.name(), s.value(), s.tags(), meta));
            }
        }
        sink.accept(metrics);
        logTransition(up, error);
        CycleOutcome outcome = new CycleOutcome(target.instanceId(), up, durationMs, metrics.size(), error, reason);
        last = outcome;
        return outcome;
    }

    private synchronized void logTransition(boolean up, String error) {
        if (!up && lastUp) {
            LOG.warn("{} ({}) is not answering: {}", target.instanceId(), target.type().id(), error);
        } else if (up && !lastUp) {
            LOG.info("{} ({}) answers again", target.instanceId(), target.type().id());
        }
        lastUp = up;
    }

    private Metric metric(long ts, String name, double value, Map<String, String> sampleTags, MetricMetadata meta) {
        Map<String, String> tags = new HashMap<>(target.tags());
        tags.putAll(sampleTags);
        return Metric.newBuilder()
                .setTimestamp(Instant.ofEpochMilli(ts))
                .setDatabaseType(target.type().id())
                .setInstanceId(target.instanceId())
                .setMetricName(name)
                .setValue(value)
                .setTags(tags)
                .setMetadata(meta)
                .build();
    }

    /**
     * The exception's class and message, and its causes'. Drivers do not put passwords in their
     * messages and the configuration keeps them out of URLs, so this is safe to log.
     */
    static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null && b.length() < 400; t = t.getCause()) {
            if (b.length() > 0) {
                b.append("; caused by ");
            }
            b.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                b.append(": ").append(t.getMessage().replaceAll("\\s+", " "));
            }
        }
        return b.length() > 400 ? b.substring(0, 400) + "..." : b.toString();
    }
}
