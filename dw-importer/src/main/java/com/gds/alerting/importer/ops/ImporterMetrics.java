package com.gds.alerting.importer.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The importer's counters and state, written by the consumer thread and read by the HTTP
 * endpoints. Rendered in the Prometheus text format by {@link #prometheus()}.
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

    /** Everything, in the Prometheus text exposition format. */
    public String prometheus() {
        StringBuilder b = new StringBuilder();
        counter(b, "gds_importer_rows_loaded_total", "Fact rows sent to the warehouse in committed batches (replayed rows the merge skipped included).",
                "table=\"fact_metric\"", metricRowsLoaded.get());
        b.append("gds_importer_rows_loaded_total{table=\"fact_alert_event\"} ").append(alertRowsLoaded.get()).append('\n');
        counter(b, "gds_importer_records_consumed_total", "Kafka records in committed batches.", null, recordsConsumed.get());
        counter(b, "gds_importer_batches_total", "Batches made durable and committed.", null, batches.get());
        counter(b, "gds_importer_dead_letters_total", "Records sent to the dead-letter topic.", null, deadLettered.get());
        counter(b, "gds_importer_failed_attempts_total", "Attempts to make a batch durable that failed and were retried.",
                null, failedAttempts.get());
        counter(b, "gds_importer_rows_purged_total", "Fact rows deleted by retention.", null, rowsPurged.get());
        b.append("# HELP gds_importer_batch_latency_seconds Time from the first record of a batch to its commit.\n")
                .append("# TYPE gds_importer_batch_latency_seconds summary\n")
                .append("gds_importer_batch_latency_seconds_sum ").append(seconds(latencyMicrosSum.get())).append('\n')
                .append("gds_importer_batch_latency_seconds_count ").append(batches.get()).append('\n');
        gauge(b, "gds_importer_batch_latency_seconds_max", "Longest batch latency since start.", seconds(latencyMicrosMax.get()));
        gauge(b, "gds_importer_batch_latency_seconds_last", "Latency of the last batch.", seconds(lastLatencyMicros.get()));
        gauge(b, "gds_importer_consumer_lag_records", "Records not yet consumed on the assigned partitions.",
                Long.toString(lag.get()));
        gauge(b, "gds_importer_up", "1 when consuming and loading, 0 otherwise.", state.get() == State.RUNNING ? "1" : "0");
        return b.toString();
    }

    private static void counter(StringBuilder b, String name, String help, String labels, long value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n")
                .append(name).append(labels == null ? "" : "{" + labels + "}").append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder b, String name, String help, String value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(value).append('\n');
    }

    private static String seconds(long micros) {
        return String.format(Locale.ROOT, "%.6f", micros / 1_000_000.0);
    }
}
