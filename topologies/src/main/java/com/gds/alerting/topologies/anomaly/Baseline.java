package com.gds.alerting.topologies.anomaly;

import java.nio.ByteBuffer;
import java.util.Arrays;

import com.gds.alerting.avro.AnomalyAlgorithm;
import com.gds.alerting.avro.AnomalySeasonality;

/**
 * The learned normal of one series: one bucket per hour of its season (1, 24 or 168), each an
 * exponentially weighted mean and variance (ADAPTIVE) or a ring of the bucket's newest samples whose
 * median and MAD are the estimate (ROBUST). Fixed size for a given algorithm and seasonality, so
 * the state of N series is N times {@link #sizeBytes}.
 *
 * <p>Byte layout (big-endian), format 1:
 * <pre>
 *   0  format (1)            1  algorithm (0 ADAPTIVE, 1 ROBUST)
 *   2  seasonality (0 NONE, 1 DAILY, 2 WEEKLY)
 *   3  streak: consecutive out-of-band samples (capped at 255)
 *   4  first sample time (long, epoch ms)   12  newest sample time (long)
 *  20  level offset (double; ADAPTIVE only, 0 for ROBUST, whose offset is the median of its residuals)
 *  28  buckets:
 *      ADAPTIVE  count (int, capped at the span), mean (double), variance (double)   = 20 bytes
 *      ROBUST    samples ever added (int), ring of {@link #ringSize} floats           = 4 + 4 x ring
 *  then, ROBUST only: residuals seen (int), ring of {@link #RESIDUALS} floats          = 4 + 4 x 256
 * </pre>
 * Sizes: ADAPTIVE 48 / 508 / 3,388 bytes, ROBUST 3,108 / 7,296 / 23,232 bytes (NONE / DAILY /
 * WEEKLY).
 *
 * <p>ROBUST: the expected value of a bucket is the median of its ring. With seasonality the ring
 * holds the bucket's hour in each of the last {@link #PERIODS} seasons (days or weeks), each as
 * {@code ring / PERIODS} slots over the hour (the newest sample of each slot): it covers the whole
 * hour rather than its last minutes, and one odd day or week is a minority of the ring. The scale
 * is 1.4826 x the MAD of the last {@link #RESIDUALS} residuals kept (sample minus the interpolated
 * expected value, clipped to the band; every {@link #RESIDUAL_STRIDE}th) of the whole series: a bucket holds too few samples for a
 * stable spread of its own, and residuals measure exactly the error of the expectation; the
 * bucket's own spread (1.4826 x the MAD of its ring) is a floor, so an hour whose samples vary more
 * than the series' residuals (a steep hour, a noisy one) is not judged tighter than they are.
 *
 * <p>Seasonal baselines also keep a level offset ({@link #offset}): the hour buckets learn from
 * samples days or weeks apart, so under a trend they lag by half their memory; the offset, from the
 * last hours' residuals, is added to the expected value.
 *
 * <p>Why a ring for ROBUST rather than a KLL sketch per bucket: a sketch's serialised size grows
 * with the samples it has seen (not fixed), it cannot forget old samples (a baseline must follow a
 * series that changes), and with the few dozen samples a bucket holds a sketch stores them all
 * anyway; the median and MAD of a ring are exact and a replay gives them bit for bit.
 */
public final class Baseline {

    static final byte FORMAT = 1;
    public static final int HEADER_BYTES = 28;
    /** Samples the ADAPTIVE level offset averages over (about six hours of one-minute samples). */
    public static final int OFFSET_SPAN = 360;
    /** A bucket judges once it has this many samples (fewer give a meaningless spread). */
    public static final int MIN_BUCKET_SAMPLES = 10;
    /** Seasons (days or weeks) a seasonal ROBUST ring spans. */
    public static final int PERIODS = 4;
    /** Residuals the ROBUST scale is the MAD of. */
    public static final int RESIDUALS = 256;
    /** Every this-many-th residual is kept: the ring then spans about 17 hours of one-minute samples. */
    public static final int RESIDUAL_STRIDE = 4;
    /** The ROBUST scale needs this many residuals. */
    public static final int MIN_RESIDUALS = 30;
    /** MAD x this estimates the standard deviation of normally distributed samples. */
    public static final double MAD_TO_SIGMA = 1.4826;

    private final AnomalyAlgorithm algorithm;
    private final AnomalySeasonality seasonality;
    private final int buckets;
    private long firstAt = Long.MIN_VALUE;
    private long lastAt = Long.MIN_VALUE;
    private int streak;
    // ADAPTIVE
    private int[] count;
    private double[] mean;
    private double[] variance;
    // ROBUST
    private int[] added;
    private float[][] ring;
    private int residualsAdded;
    private float[] residuals;
    /** The median and MAD of the residuals, computed once per change (not stored). */
    private double residualMedian = Double.NaN;
    private double residualMad = Double.NaN;
    /** ADAPTIVE: the level offset (stored). */
    private double offset;

    /** The state of the bucket's estimate: expected value and scale (standard deviation or 1.4826 x MAD). */
    public record Estimate(double expected, double scale) {
    }

    private Baseline(AnomalyAlgorithm algorithm, AnomalySeasonality seasonality) {
        this.algorithm = algorithm;
        this.seasonality = seasonality;
        this.buckets = SeasonalClock.buckets(seasonality);
        if (algorithm == AnomalyAlgorithm.ADAPTIVE) {
            count = new int[buckets];
            mean = new double[buckets];
            variance = new double[buckets];
        } else {
            added = new int[buckets];
            ring = new float[buckets][ringSize(seasonality)];
            for (float[] r : ring) {
                Arrays.fill(r, Float.NaN);
            }
            residuals = new float[RESIDUALS];
        }
    }

    /** A baseline that has seen nothing. */
    public static Baseline empty(AnomalyAlgorithm algorithm, AnomalySeasonality seasonality) {
        return new Baseline(algorithm, seasonality);
    }

    /**
     * Samples per bucket the ADAPTIVE weights average over: the weight of a new sample is
     * {@code 1 / min(n, span)} (an exact running mean and variance until then). At one sample a
     * minute: about a day (NONE), ten days (DAILY), four weeks (WEEKLY) of history.
     */
    public static int span(AnomalySeasonality seasonality) {
        return switch (seasonality) {
            case NONE -> 1440;
            case DAILY -> 600;
            case WEEKLY -> 240;
        };
    }

    /** Samples a ROBUST bucket keeps (its newest). */
    public static int ringSize(AnomalySeasonality seasonality) {
        return switch (seasonality) {
            case NONE -> 512;
            case DAILY -> 64;
            case WEEKLY -> 32;
        };
    }

    /** Bytes of one series' baseline. */
    public static int sizeBytes(AnomalyAlgorithm algorithm, AnomalySeasonality seasonality) {
        int perBucket = algorithm == AnomalyAlgorithm.ADAPTIVE ? 4 + 8 + 8 : 4 + 4 * ringSize(seasonality);
        int residualBytes = algorithm == AnomalyAlgorithm.ADAPTIVE ? 0 : 4 + 4 * RESIDUALS;
        return HEADER_BYTES + SeasonalClock.buckets(seasonality) * perBucket + residualBytes;
    }

    public AnomalyAlgorithm algorithm() {
        return algorithm;
    }

    public AnomalySeasonality seasonality() {
        return seasonality;
    }

    /** Time of the first sample learned, {@code Long.MIN_VALUE} when none. */
    public long firstAt() {
        return firstAt;
    }

    /** Time of the newest sample, {@code Long.MIN_VALUE} when none: older ones are late. */
    public long lastAt() {
        return lastAt;
    }

    public int streak() {
        return streak;
    }

    void streak(int value) {
        this.streak = Math.min(value, 255);
    }

    void seen(long at) {
        if (firstAt == Long.MIN_VALUE) {
            firstAt = at;
        }
        lastAt = at;
    }

    /** Samples the bucket has learned (capped at the span for ADAPTIVE, the ring size for ROBUST). */
    public int samples(int bucket) {
        if (algorithm == AnomalyAlgorithm.ADAPTIVE) {
            return count[bucket];
        }
        int n = 0;
        for (float f : ring[bucket]) {
            if (!Float.isNaN(f)) {
                n++;
            }
        }
        return n;
    }

    /** The bucket's estimate, or {@code null} while it has fewer than {@link #MIN_BUCKET_SAMPLES}. */
    public Estimate estimate(int bucket) {
        if (samples(bucket) < MIN_BUCKET_SAMPLES) {
            return null;
        }
        if (algorithm == AnomalyAlgorithm.ADAPTIVE) {
            return new Estimate(mean[bucket], Math.sqrt(Math.max(0, variance[bucket])));
        }
        int n = 0;
        double[] v = new double[ring[bucket].length];
        for (float f : ring[bucket]) {
            if (!Float.isNaN(f)) {
                v[n++] = f;
            }
        }
        double median = median(Arrays.copyOf(v, n));
        for (int i = 0; i < n; i++) {
            v[i] = Math.abs(v[i] - median);
        }
        return new Estimate(median, MAD_TO_SIGMA * median(Arrays.copyOf(v, n)));
    }

    /**
     * The level offset of a seasonal baseline: how far the series currently runs from its learned
     * hours (a trend, a slow drift the hour buckets lag behind). ADAPTIVE: the exponentially weighted
     * mean of the residuals over about {@link #OFFSET_SPAN} samples; ROBUST: the median of the residual
     * ring (0 until it has {@link #MIN_RESIDUALS}).
     */
    public double offset() {
        if (algorithm == AnomalyAlgorithm.ADAPTIVE) {
            return offset;
        }
        residualStatistics();
        return Double.isNaN(residualMedian) ? 0 : residualMedian;
    }

    /** ROBUST: 1.4826 x the MAD of the residual ring around its median; NaN for ADAPTIVE or too few residuals. */
    public double residualScale() {
        if (algorithm == AnomalyAlgorithm.ADAPTIVE) {
            return Double.NaN;
        }
        residualStatistics();
        return MAD_TO_SIGMA * residualMad;
    }

    private void residualStatistics() {
        if (!Double.isNaN(residualMedian)) {
            return;
        }
        int m = Math.min((residualsAdded + RESIDUAL_STRIDE - 1) / RESIDUAL_STRIDE, RESIDUALS);
        if (m < MIN_RESIDUALS) {
            residualMad = Double.NaN;
            return;
        }
        double[] r = new double[m];
        for (int i = 0; i < m; i++) {
            r[i] = residuals[i];
        }
        double median = median(r.clone());
        for (int i = 0; i < m; i++) {
            r[i] = Math.abs(r[i] - median);
        }
        residualMad = median(r);
        residualMedian = median;
    }

    /** The exact median (mean of the middle two for an even count), by selection: O(n), reorders {@code v}. */
    static double median(double[] v) {
        int n = v.length;
        double upper = select(v, n / 2);
        if (n % 2 == 1) {
            return upper;
        }
        double lower = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n / 2; i++) {
            lower = Math.max(lower, v[i]);
        }
        return (lower + upper) / 2;
    }

    /** Hoare's selection: puts the k-th smallest at index k, smaller ones before it, and returns it. */
    private static double select(double[] v, int k) {
        int lo = 0;
        int hi = v.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            double pivot = Math.max(Math.min(v[lo], v[mid]), Math.min(Math.max(v[lo], v[mid]), v[hi]));
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (v[i] < pivot) {
                    i++;
                }
                while (v[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double t = v[i];
                    v[i] = v[j];
                    v[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return v[k];
            }
        }
        return v[k];
    }

    /**
     * Adds a sample (already clipped by the caller when it is anomalous) to the bucket of
     * {@code position} (hours into the season, {@link SeasonalClock#position}) in season
     * {@code period} ({@link SeasonalClock#period}).
     */
    public void learn(double position, long period, double x) {
        learn(position, period, x, true);
    }

    /**
     * As {@link #learn(double, long, double)}; {@code spread} false (an out-of-band sample, clipped to the
     * band's edge) moves an ADAPTIVE mean but not its variance: edge values learned as ordinary ones would
     * widen the band during every anomaly, and the alert would resolve while the anomaly lasts.
     */
    public void learn(double position, long period, double x, boolean spread) {
        int bucket = Math.min((int) Math.floor(position), buckets - 1);
        if (algorithm == AnomalyAlgorithm.ADAPTIVE) {
            int n = Math.min(count[bucket] + 1, span(seasonality));
            count[bucket] = n;
            double a = 1.0 / n;
            double d = x - mean[bucket];
            mean[bucket] += a * d;
            if (spread) {
                variance[bucket] = (1 - a) * (variance[bucket] + a * d * d);
            }
        } else {
            float[] r = ring[bucket];
            int perPeriod = r.length / PERIODS;
            int slot = seasonality == AnomalySeasonality.NONE ? Math.floorMod(added[bucket], r.length)
                    : (int) Math.floorMod(period, PERIODS) * perPeriod
                            + Math.min((int) ((position - Math.floor(position)) * perPeriod), perPeriod - 1);
            r[slot] = (float) x;
            added[bucket] = added[bucket] == Integer.MAX_VALUE ? r.length : added[bucket] + 1;
        }
    }

    /**
     * Remembers a residual: the sample (clipped to the band) minus the seasonal expectation of its time
     * (the hour buckets' interpolation, without the offset). The offset follows them; for ROBUST they are
     * also what the scale is the MAD of.
     */
    public void learnResidual(double residual) {
        if (algorithm == AnomalyAlgorithm.ADAPTIVE) {
            offset += (residual - offset) / OFFSET_SPAN;
        } else {
            if (Math.floorMod(residualsAdded, RESIDUAL_STRIDE) == 0) {
                residuals[Math.floorMod(residualsAdded / RESIDUAL_STRIDE, RESIDUALS)] = (float) residual;
                residualMedian = Double.NaN;
            }
            residualsAdded = residualsAdded == Integer.MAX_VALUE ? RESIDUALS * RESIDUAL_STRIDE : residualsAdded + 1;
        }
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(sizeBytes(algorithm, seasonality));
        b.put(FORMAT).put((byte) algorithm.ordinal()).put((byte) seasonality.ordinal()).put((byte) streak)
                .putLong(firstAt).putLong(lastAt).putDouble(offset);
        for (int i = 0; i < buckets; i++) {
            if (algorithm == AnomalyAlgorithm.ADAPTIVE) {
                b.putInt(count[i]).putDouble(mean[i]).putDouble(variance[i]);
            } else {
                b.putInt(added[i]);
                for (float f : ring[i]) {
                    b.putFloat(f);
                }
            }
        }
        if (algorithm == AnomalyAlgorithm.ROBUST) {
            b.putInt(residualsAdded);
            for (float f : residuals) {
                b.putFloat(f);
            }
        }
        return b.array();
    }

    /**
     * Reads a baseline written by {@link #encode}.
     *
     * @throws IllegalArgumentException when the bytes are not a format-1 baseline of the right size
     */
    public static Baseline decode(byte[] bytes) {
        if (bytes.length < HEADER_BYTES || bytes[0] != FORMAT) {
            throw new IllegalArgumentException("not a format-" + FORMAT + " baseline (" + bytes.length + " bytes)");
        }
        AnomalyAlgorithm algorithm = AnomalyAlgorithm.values()[bytes[1]];
        AnomalySeasonality seasonality = AnomalySeasonality.values()[bytes[2]];
        if (bytes.length != sizeBytes(algorithm, seasonality)) {
            throw new IllegalArgumentException("a " + algorithm + "/" + seasonality + " baseline has "
                    + sizeBytes(algorithm, seasonality) + " bytes, not " + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.position(3);
        Baseline out = new Baseline(algorithm, seasonality);
        out.streak = Byte.toUnsignedInt(b.get());
        out.firstAt = b.getLong();
        out.lastAt = b.getLong();
        out.offset = b.getDouble();
        for (int i = 0; i < out.buckets; i++) {
            if (algorithm == AnomalyAlgorithm.ADAPTIVE) {
                out.count[i] = b.getInt();
                out.mean[i] = b.getDouble();
                out.variance[i] = b.getDouble();
            } else {
                out.added[i] = b.getInt();
                for (int j = 0; j < out.ring[i].length; j++) {
                    out.ring[i][j] = b.getFloat();
                }
            }
        }
        if (algorithm == AnomalyAlgorithm.ROBUST) {
            out.residualsAdded = b.getInt();
            for (int j = 0; j < RESIDUALS; j++) {
                out.residuals[j] = b.getFloat();
            }
        }
        return out;
    }
}
