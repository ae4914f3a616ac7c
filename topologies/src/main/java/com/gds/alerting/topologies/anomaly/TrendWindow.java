package com.gds.alerting.topologies.anomaly;

import java.nio.ByteBuffer;
import java.util.Arrays;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.topologies.expr.LeastSquares;

/**
 * The samples of a forecast rule's window for one series, and the prediction PromQL's
 * {@code predict_linear(series[window], s)} makes from them: the same samples (those at or after
 * {@code at - window}, as Prometheus 2 selects a range) through the same least-squares code
 * ({@link LeastSquares}).
 *
 * <p>At most {@link #MAX_SAMPLES} samples are kept (16 bytes each: 32 KiB); a window holding more
 * (e.g. 6 h at one sample every 5 s) drops its oldest beyond that, and {@link Prediction#truncated}
 * says so. Byte layout: format byte (1), count (int), truncated flag (byte), then count x (time long, value double), oldest
 * first.
 */
public final class TrendWindow {

    public static final int MAX_SAMPLES = 2048;
    static final byte FORMAT = 1;

    private long[] times;
    private double[] values;
    private int size;
    private boolean truncated;

    /**
     * The line's verdict at one time.
     *
     * @param slopePerSecond   the trend
     * @param valueNow         the line's value at the evaluation time
     * @param secondsToCross   0 when the line is already beyond the limit, +Infinity when it does not head for it
     * @param crossingAt       the epoch ms of the crossing (the evaluation time when already beyond), or {@code null}
     * @param samples          samples fitted
     * @param truncated        the window held more than {@link #MAX_SAMPLES}: its oldest were dropped
     */
    public record Prediction(double slopePerSecond, double valueNow, double secondsToCross, Long crossingAt, int samples,
                             boolean truncated) {
    }

    private TrendWindow(int capacity) {
        times = new long[capacity];
        values = new double[capacity];
    }

    public static TrendWindow empty() {
        return new TrendWindow(16);
    }

    public int size() {
        return size;
    }

    /** Time of the newest sample, {@code Long.MIN_VALUE} when empty: a sample at or before it is late. */
    public long lastAt() {
        return size == 0 ? Long.MIN_VALUE : times[size - 1];
    }

    /** Adds a sample (newer than {@link #lastAt}) and drops those that left the window ending at it. */
    public void add(long at, double value, long windowMs) {
        int drop = 0;
        while (drop < size && times[drop] < at - windowMs) {
            drop++;
        }
        if (size - drop >= MAX_SAMPLES) {
            drop = size - MAX_SAMPLES + 1;
            truncated = true;
        } else if (drop > 0) {
            truncated = false;
        }
        if (drop > 0) {
            System.arraycopy(times, drop, times, 0, size - drop);
            System.arraycopy(values, drop, values, 0, size - drop);
            size -= drop;
        }
        if (size == times.length) {
            int capacity = Math.min(MAX_SAMPLES, times.length * 2);
            times = Arrays.copyOf(times, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        times[size] = at;
        values[size] = value;
        size++;
    }

    /**
     * Predicts when the line crosses {@code limit} going up ({@code op} GT/GTE) or down (LT/LTE), as seen
     * at the newest sample; {@code null} with fewer than two samples.
     */
    public Prediction predict(double limit, Comparison op) {
        if (size < 2) {
            return null;
        }
        long at = times[size - 1];
        double[] si = LeastSquares.fit(Arrays.copyOf(times, size), Arrays.copyOf(values, size), at);
        double slope = si[0];
        double now = si[1];
        boolean upward = op == Comparison.GT || op == Comparison.GTE;
        boolean beyond = switch (op) {
            case GT -> now > limit;
            case GTE -> now >= limit;
            case LT -> now < limit;
            case LTE -> now <= limit;
            default -> throw new IllegalArgumentException("a forecast limit is crossed with >, >=, < or <=, not " + op);
        };
        double seconds;
        if (beyond) {
            seconds = 0;
        } else if (Double.isNaN(slope) || (upward ? slope <= 0 : slope >= 0)) {
            seconds = Double.POSITIVE_INFINITY;
        } else {
            seconds = (limit - now) / slope;
        }
        Long crossingAt = Double.isInfinite(seconds) || Double.isNaN(seconds) || seconds > 1e13 ? null
                : at + Math.round(seconds * 1000);
        return new Prediction(slope, now, Double.isNaN(seconds) ? Double.POSITIVE_INFINITY : seconds, crossingAt, size,
                truncated);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(1 + 4 + 1 + size * 16);
        b.put(FORMAT).putInt(size).put((byte) (truncated ? 1 : 0));
        for (int i = 0; i < size; i++) {
            b.putLong(times[i]).putDouble(values[i]);
        }
        return b.array();
    }

    /** @throws IllegalArgumentException when the bytes are not a format-1 window */
    public static TrendWindow decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes.length < 6 || b.get() != FORMAT) {
            throw new IllegalArgumentException("not a format-" + FORMAT + " trend window (" + bytes.length + " bytes)");
        }
        int n = b.getInt();
        if (n < 0 || n > MAX_SAMPLES || bytes.length != 6 + n * 16) {
            throw new IllegalArgumentException("a trend window of " + n + " samples cannot have " + bytes.length + " bytes");
        }
        TrendWindow w = new TrendWindow(Math.max(16, n));
        w.truncated = b.get() != 0;
        for (int i = 0; i < n; i++) {
            w.times[i] = b.getLong();
            w.values[i] = b.getDouble();
        }
        w.size = n;
        return w;
    }
}
