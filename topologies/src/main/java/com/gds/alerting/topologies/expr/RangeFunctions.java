package com.gds.alerting.topologies.expr;

import com.gds.alerting.topologies.expr.Value.Sample;
import java.util.ArrayList;
import java.util.List;

/**
 * The functions over a range vector, ported from Prometheus 2.42's promql/functions.go with the
 * same floating-point algorithms. Each returns at most one value per series, or none when the
 * series has too few samples (rate and friends need two).
 */
final class RangeFunctions {

    private RangeFunctions() {
    }

    static List<Sample> apply(Function f, Evaluator evaluator, List<Expr> args, long t) {
        Expr.MatrixSelector ms = (Expr.MatrixSelector) args.get(f == Function.QUANTILE_OVER_TIME ? 1 : 0);
        double scalarArg = Double.NaN;
        if (f == Function.QUANTILE_OVER_TIME) {
            scalarArg = ((Value.Scalar) evaluator.evaluate(args.get(0), t)).value();
        } else if (f == Function.PREDICT_LINEAR) {
            scalarArg = ((Value.Scalar) evaluator.evaluate(args.get(1), t)).value();
        }
        List<Sample> out = new ArrayList<>();
        for (Series s : evaluator.selectRange(ms, t)) {
            Double v = compute(f, s, ms, scalarArg, t);
            if (v != null) {
                // last_over_time acts like an offset: it keeps the metric name.
                Labels labels = f == Function.LAST_OVER_TIME ? s.labels() : s.labels().withoutMetricName();
                out.add(new Sample(labels, v, t));
            }
        }
        return out;
    }

    private static Double compute(Function f, Series s, Expr.MatrixSelector ms, double arg, long t) {
        double[] v = s.values();
        long[] ts = s.timestamps();
        int n = v.length;
        return switch (f) {
            case RATE -> extrapolatedRate(s, ms, t, true, true);
            case INCREASE -> extrapolatedRate(s, ms, t, true, false);
            case DELTA -> extrapolatedRate(s, ms, t, false, false);
            case IRATE -> instantValue(s, true);
            case IDELTA -> instantValue(s, false);
            case DERIV -> n < 2 ? null : linearRegression(s, ts[0])[0];
            case PREDICT_LINEAR -> {
                if (n < 2) {
                    yield null;
                }
                double[] si = linearRegression(s, t);
                yield si[0] * arg + si[1];
            }
            case CHANGES -> {
                int changes = 0;
                for (int i = 1; i < n; i++) {
                    if (v[i] != v[i - 1] && !(Double.isNaN(v[i]) && Double.isNaN(v[i - 1]))) {
                        changes++;
                    }
                }
                yield (double) changes;
            }
            case RESETS -> {
                int resets = 0;
                for (int i = 1; i < n; i++) {
                    if (v[i] < v[i - 1]) {
                        resets++;
                    }
                }
                yield (double) resets;
            }
            case AVG_OVER_TIME -> avgOverTime(v);
            case MIN_OVER_TIME -> {
                double min = v[0];
                for (double x : v) {
                    if (x < min || Double.isNaN(min)) {
                        min = x;
                    }
                }
                yield min;
            }
            case MAX_OVER_TIME -> {
                double max = v[0];
                for (double x : v) {
                    if (x > max || Double.isNaN(max)) {
                        max = x;
                    }
                }
                yield max;
            }
            case SUM_OVER_TIME -> {
                double[] sc = new double[2];
                for (double x : v) {
                    GoMath.kahanInc(x, sc);
                }
                yield Double.isInfinite(sc[0]) ? sc[0] : sc[0] + sc[1];
            }
            case COUNT_OVER_TIME -> (double) n;
            case LAST_OVER_TIME -> v[n - 1];
            case QUANTILE_OVER_TIME -> {
                List<Double> values = new ArrayList<>(n);
                for (double x : v) {
                    values.add(x);
                }
                yield Evaluator.quantile(arg, values);
            }
            case STDDEV_OVER_TIME -> {
                double count = 0;
                double[] mean = new double[2];
                double[] aux = new double[2];
                for (double x : v) {
                    count++;
                    double delta = x - (mean[0] + mean[1]);
                    GoMath.kahanInc(delta / count, mean);
                    GoMath.kahanInc(delta * (x - (mean[0] + mean[1])), aux);
                }
                yield Math.sqrt((aux[0] + aux[1]) / count);
            }
            default -> throw new IllegalArgumentException(f + " is not a range-vector function");
        };
    }

    private static double avgOverTime(double[] v) {
        double count = 0;
        double[] mean = new double[2];
        for (double x : v) {
            count++;
            if (Double.isInfinite(mean[0])) {
                if (Double.isInfinite(x) && (mean[0] > 0) == (x > 0)) {
                    continue;
                }
                if (!Double.isInfinite(x) && !Double.isNaN(x)) {
                    continue;
                }
            }
            GoMath.kahanInc(x / count - mean[0] / count, mean);
        }
        return Double.isInfinite(mean[0]) ? mean[0] : mean[0] + mean[1];
    }

    /**
     * rate/increase/delta: Prometheus' extrapolatedRate. The change over the samples (plus the
     * value before each counter reset) is extrapolated towards the range's ends when the first
     * or last sample is within 1.1 average intervals of them, else by half an interval; a
     * counter is never extrapolated below zero.
     */
    private static Double extrapolatedRate(Series s, Expr.MatrixSelector ms, long t, boolean isCounter, boolean isRate) {
        double[] v = s.values();
        long[] ts = s.timestamps();
        int n = v.length;
        if (n < 2) {
            return null;
        }
        long rangeStart = t - (ms.rangeMs() + ms.selector().offsetMs());
        long rangeEnd = t - ms.selector().offsetMs();
        double result = v[n - 1] - v[0];
        if (isCounter) {
            double last = 0;
            for (double x : v) {
                if (x < last) {
                    result += last;
                }
                last = x;
            }
        }
        double durationToStart = (ts[0] - rangeStart) / 1000.0;
        double durationToEnd = (rangeEnd - ts[n - 1]) / 1000.0;
        double sampledInterval = (ts[n - 1] - ts[0]) / 1000.0;
        double averageDurationBetweenSamples = sampledInterval / (n - 1);
        if (isCounter && result > 0 && v[0] >= 0) {
            double durationToZero = sampledInterval * (v[0] / result);
            if (durationToZero < durationToStart) {
                durationToStart = durationToZero;
            }
        }
        double extrapolationThreshold = averageDurationBetweenSamples * 1.1;
        double extrapolateToInterval = sampledInterval;
        extrapolateToInterval += durationToStart < extrapolationThreshold ? durationToStart : averageDurationBetweenSamples / 2;
        extrapolateToInterval += durationToEnd < extrapolationThreshold ? durationToEnd : averageDurationBetweenSamples / 2;
        double factor = extrapolateToInterval / sampledInterval;
        if (isRate) {
            factor /= ms.rangeMs() / 1000.0;
        }
        return result * factor;
    }

    /** irate/idelta: the last two samples; irate treats a decrease as a counter reset. */
    private static Double instantValue(Series s, boolean isRate) {
        double[] v = s.values();
        long[] ts = s.timestamps();
        int n = v.length;
        if (n < 2) {
            return null;
        }
        double last = v[n - 1];
        double previous = v[n - 2];
        double result = isRate && last < previous ? last : last - previous;
        long interval = ts[n - 1] - ts[n - 2];
        if (interval == 0) {
            return null;
        }
        if (isRate) {
            result /= interval / 1000.0;
        }
        return result;
    }

    /** Least squares with x in seconds from {@code interceptTime}: returns {slope, intercept}. */
    static double[] linearRegression(Series s, long interceptTime) {
        double[] v = s.values();
        long[] ts = s.timestamps();
        double n = 0;
        double[] sumX = new double[2];
        double[] sumY = new double[2];
        double[] sumXY = new double[2];
        double[] sumX2 = new double[2];
        double initY = v[0];
        boolean constY = true;
        for (int i = 0; i < v.length; i++) {
            if (constY && i > 0 && v[i] != initY) {
                constY = false;
            }
            n += 1.0;
            double x = (ts[i] - interceptTime) / 1e3;
            GoMath.kahanInc(x, sumX);
            GoMath.kahanInc(v[i], sumY);
            GoMath.kahanInc(x * v[i], sumXY);
            GoMath.kahanInc(x * x, sumX2);
        }
        if (constY) {
            if (Double.isInfinite(initY)) {
                return new double[] {Double.NaN, Double.NaN};
            }
            return new double[] {0, initY};
        }
        double sx = sumX[0] + sumX[1];
        double sy = sumY[0] + sumY[1];
        double sxy = sumXY[0] + sumXY[1];
        double sx2 = sumX2[0] + sumX2[1];
        double covXY = sxy - sx * sy / n;
        double varX = sx2 - sx * sx / n;
        double slope = covXY / varX;
        double intercept = sy / n - slope * sx / n;
        return new double[] {slope, intercept};
    }
}
