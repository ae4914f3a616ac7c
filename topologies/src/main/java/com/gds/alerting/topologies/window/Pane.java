package com.gds.alerting.topologies.window;

import java.nio.ByteBuffer;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

import com.gds.alerting.topologies.rules.Counters;
import com.gds.alerting.topologies.rules.WindowSpecs;

/**
 * The aggregate of one pane (one hop of a window) of one series, mergeable in time order:
 * count, sum, min, max, the first and last samples and the counter increase between them (for
 * RATE), and a KLL quantile sketch when the rule asks for a percentile.
 *
 * <p>Bytes: count (long), sum, min, max (doubles), first time (long), first value, last time
 * (long), last value, increase (double), then the sketch's own serialisation if any.
 */
public final class Pane {

    /**
     * KLL accuracy parameter: k = 200 gives a normalised rank error of 1.33% for one quantile (1.65%
     * for all ranks at once), at 99% confidence ({@link KllDoublesSketch#getNormalizedRankError(int,
     * boolean)}); a sketch stays a few KiB however many samples it has seen.
     */
    public static final int SKETCH_K = 200;
    private static final int FIXED_BYTES = 9 * Long.BYTES;

    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long firstAt;
    private double first;
    private long lastAt;
    private double last;
    private double increase;
    private KllDoublesSketch sketch;

    private Pane() {
    }

    /** An empty aggregate; with a sketch when {@code spec} is a percentile. */
    public static Pane empty(WindowSpecs spec) {
        Pane p = new Pane();
        if (spec.quantile()) {
            p.sketch = KllDoublesSketch.newHeapInstance(SKETCH_K);
        }
        return p;
    }

    public static Pane decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        Pane p = new Pane();
        p.count = b.getLong();
        p.sum = b.getDouble();
        p.min = b.getDouble();
        p.max = b.getDouble();
        p.firstAt = b.getLong();
        p.first = b.getDouble();
        p.lastAt = b.getLong();
        p.last = b.getDouble();
        p.increase = b.getDouble();
        if (bytes.length > FIXED_BYTES) {
            p.sketch = KllDoublesSketch.heapify(Memory.wrap(bytes).region(FIXED_BYTES, bytes.length - FIXED_BYTES));
        }
        return p;
    }

    public byte[] encode() {
        byte[] sketchBytes = sketch == null ? new byte[0] : sketch.toByteArray();
        return ByteBuffer.allocate(FIXED_BYTES + sketchBytes.length)
                .putLong(count).putDouble(sum).putDouble(min).putDouble(max)
                .putLong(firstAt).putDouble(first).putLong(lastAt).putDouble(last).putDouble(increase)
                .put(sketchBytes).array();
    }

    /** The time of the newest sample in the pane ({@code Long.MIN_VALUE} when empty). */
    public long lastAt() {
        return count == 0 ? Long.MIN_VALUE : lastAt;
    }

    /**
     * Adds a sample. One older than the pane's newest (out of order, within grace) counts for every
     * aggregation but RATE, whose counter increase follows the samples in time order only.
     */
    public void add(double value, long at) {
        if (count == 0) {
            firstAt = at;
            first = value;
            lastAt = at;
            last = value;
        } else if (at > lastAt) {
            increase += Counters.increase(last, value);
            lastAt = at;
            last = value;
        }
        count++;
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
        if (sketch != null) {
            sketch.update(value);
        }
    }

    /** Appends {@code later}, whose samples all come after this pane's. */
    public void append(Pane later) {
        if (later.count == 0) {
            return;
        }
        if (count == 0) {
            firstAt = later.firstAt;
            first = later.first;
            increase = later.increase;
        } else {
            increase += Counters.increase(last, later.first) + later.increase;
        }
        lastAt = later.lastAt;
        last = later.last;
        count += later.count;
        sum += later.sum;
        min = Math.min(min, later.min);
        max = Math.max(max, later.max);
        if (sketch != null && later.sketch != null) {
            sketch.merge(later.sketch);
        }
    }

    public long count() {
        return count;
    }

    /**
     * The aggregate over the samples merged here, or NaN when it has none: RATE is the counter's
     * increase per second between the first and the last sample, NaN with fewer than two samples.
     */
    public double result(WindowSpecs spec) {
        if (count == 0) {
            return Double.NaN;
        }
        return switch (spec.aggregation()) {
            case AVG -> sum / count;
            case MIN -> min;
            case MAX -> max;
            case SUM -> sum;
            case COUNT -> count;
            case P50, P95, P99 -> sketch.getQuantile(spec.rank());
            case RATE -> lastAt > firstAt ? increase / ((lastAt - firstAt) / 1000.0) : Double.NaN;
        };
    }
}
