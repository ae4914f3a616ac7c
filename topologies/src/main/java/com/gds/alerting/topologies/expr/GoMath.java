package com.gds.alerting.topologies.expr;

/**
 * Go's math.Pow, math.Max and math.Min where their special cases differ from Java's: Prometheus
 * computes with Go's, and {@code 1 ^ NaN} is 1 there, NaN in Java.
 */
final class GoMath {

    private GoMath() {
    }

    static double pow(double x, double y) {
        if (y == 0 || x == 1) {
            return 1;
        }
        if (x == -1 && Double.isInfinite(y)) {
            return 1;
        }
        return Math.pow(x, y);
    }

    /** Go: Max(x, +Inf) = +Inf even when x is NaN; otherwise NaN wins; Max(+0, -0) = +0. */
    static double max(double x, double y) {
        if (x == Double.POSITIVE_INFINITY || y == Double.POSITIVE_INFINITY) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.max(x, y);
    }

    /** Go: Min(x, -Inf) = -Inf even when x is NaN; otherwise NaN wins; Min(+0, -0) = -0. */
    static double min(double x, double y) {
        if (x == Double.NEGATIVE_INFINITY || y == Double.NEGATIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        return Math.min(x, y);
    }

    /** Prometheus' kahanSumInc (Neumaier's variant): returns {sum, compensation}. */
    static void kahanInc(double inc, double[] sumAndC) {
        double sum = sumAndC[0];
        double t = sum + inc;
        if (Math.abs(sum) >= Math.abs(inc)) {
            sumAndC[1] += (sum - t) + inc;
        } else {
            sumAndC[1] += (inc - t) + sum;
        }
        sumAndC[0] = t;
    }
}
