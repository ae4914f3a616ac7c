package com.gds.alerting.importer.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The importer's counters and state, written by the consumer thread and read by the HTTP
 * endpoints; {@link #bindTo} shows them as Micrometer meters.
 */
public final class ImporterMetrics {

    /** What the importer is doing. */
    public enum State {
        /** Not yet connected to the warehouse. */
        STARTING,
        /** Consuming and loading. */
        RUNNING,
        /** A batch is not durable yet; consumption is paused and nothing is committed. */
        RETRYING,
        /** Stopped on request. */
        STOPPED,
        /** Stopped by an error. */
        FAILED
    }

    private final AtomicLong metricRowsLoaded = new AtomicLong();
    private final AtomicLong alertRowsLoaded = new AtomicLong();
    private final AtomicLong recordsConsumed = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong rowsPurged = new AtomicLong();
    private final AtomicLong latencyMicrosSum = new AtomicLong();
    private final AtomicLong latencyMicrosMax = new AtomicLong();
    private final AtomicLong lastLatencyMicros = new AtomicLong();
    private final AtomicLong lag = new AtomicLong();
    private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final AtomicReference<Instant> lastBatchAt = new AtomicReference<>();

    /** A batch was made durable and committed. */
    public void batchCommitted(int records, int metricRows, int alertRows, int deadLetters, Duration latency, Instant at) {
        batches.incrementAndGet();
        recordsConsumed.addAndGet(records);
        metricRowsLoaded.addAndGet(metricRows);
        alertRowsLoaded.addAndGet(alertRows);
        deadLettered.addAndGet(deadLetters);
        long micros = latency.toNanos() / 1000;
        latencyMicrosSum.addAndGet(micros);
        latencyMicrosMax.accumulateAndGet(micros, Math::max);
        lastLatencyMicros.set(micros);
        lastBatchAt.set(at);
        lastError.set(null);
        state.compareAndSet(State.RETRYING, State.RUNNING);
    }

    /** An attempt to make a batch durable failed; it will be retried. */
    public void attemptFailed(String error) {
        failedAttempts.incrementAndGet();
        lastError.set(error);
        state.set(State.RETRYING);
    }

    public void purged(long rows) {
        rowsPurged.addAndGet(rows);
    }

    public void lag(long records) {
        lag.set(records);
    }

    public void state(State newState) {
        state.set(newState);
    }

    public void failed(String error) {
        lastError.set(error);
        state.set(State.FAILED);
    }

    public State state() {
        return state.get();
    }

    public String lastError() {
        return lastError.get();
    }

    public Instant lastBatchAt() {
        return lastBatchAt.get();
    }

    public long metricRowsLoaded() {
        return metricRowsLoaded.get();
    }

    public long alertRowsLoaded() {
        return alertRowsLoaded.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    public long batches() {
        return batches.get();
    }

    public long failedAttempts() {
        return failedAttempts.get();
    }

    public long lag() {
        return lag.get();
    }

    /**
     * Registers every counter and gauge with {@code registry} under the names {@code /metrics} has
     * always had (docs/dw-importer.md); each reads this object's values when scraped.
     */
    public void bindTo(MeterRegistry registry) {
        String rowsHelp = "Fact rows sent to the warehouse in committed batches (replayed rows the merge skipped included).";
        FunctionCounter.builder("gds_importer_rows_loaded_total", metricRowsLoaded, AtomicLong::get)
                .tag("table", "fact_metric").description(rowsHelp).register(registry);
        FunctionCounter.builder("gds_importer_rows_loaded_total", alertRowsLoaded, AtomicLong::get)
                .tag("table", "fact_alert_event").description(rowsHelp).register(registry);
        counter(registry, "gds_importer_records_consumed_total", "Kafka records in committed batches.", recordsConsumed);
        counter(registry, "gds_importer_batches_total", "Batches made durable and committed.", batches);
        counter(registry, "gds_importer_dead_letters_total", "Records sent to the dead-letter topic.", deadLettered);
        counter(registry, "gds_importer_failed_attempts_total",
                "Attempts to make a batch durable that failed and were retried.", failedAttempts);
        counter(registry, "gds_importer_rows_purged_total", "Fact rows deleted by retention.", rowsPurged);
        // A summary of _count and _sum as before, from the same counters.
        FunctionTimer.builder("gds_importer_batch_latency", this, m -> m.batches.get(), m -> m.latencyMicrosSum.get(),
                TimeUnit.MICROSECONDS).description("Time from the first record of a batch to its commit.").register(registry);
        gauge(registry, "gds_importer_batch_latency_seconds_max", "Longest batch latency since start.",
                m -> m.latencyMicrosMax.get() / 1_000_000.0);
        gauge(registry, "gds_importer_batch_latency_seconds_last", "Latency of the last batch.",
                m -> m.lastLatencyMicros.get() / 1_000_000.0);
        gauge(registry, "gds_importer_consumer_lag_records", "Records not yet consumed on the assigned partitions.",
                m -> m.lag.get());
        gauge(registry, "gds_importer_up", "1 when consuming and loading, 0 otherwise.",
                m -> m.state.get() == State.RUNNING ? 1 : 0);
    }

    private static void counter(MeterRegistry registry, String name, String help, AtomicLong value) {
        FunctionCounter.builder(name, value, AtomicLong::get).description(help).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String help, ToDoubleFunction<ImporterMetrics> value) {
        Gauge.builder(name, this, value).description(help).strongReference(true).register(registry);
    }
}
