package com.gds.alerting.topologies.expr;

/**
 * The least-squares line PromQL's {@code deriv} and {@code predict_linear} fit, open to the rest of
 * the topology (the forecast rule) so there is one implementation: {@link RangeFunctions}' port of
 * Prometheus 2.42's {@code linearRegression}, Kahan-summed, x in seconds from an intercept time.
 */
public final class LeastSquares {

    private LeastSquares() {
    }

    /**
     * Fits {@code values} at {@code timestamps} (epoch ms, increasing, at least two).
     *
     * @return {slope per second, value of the line at {@code interceptTime}}; a constant series gives
     *         slope 0; NaN for both when it is constantly infinite (as Prometheus)
     */
    public static double[] fit(long[] timestamps, double[] values, long interceptTime) {
        return RangeFunctions.linearRegression(new Series(Labels.EMPTY, timestamps, values), interceptTime);
    }

    /** {@code predict_linear(series[range], seconds)} evaluated at {@code at}, for the samples in the range. */
    public static double predictLinear(long[] timestamps, double[] values, long at, double seconds) {
        double[] si = fit(timestamps, values, at);
        return si[0] * seconds + si[1];
    }
}
