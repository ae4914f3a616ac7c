package com.gds.alerting.topologies.expr;

/**
 * One series' samples in time order, as a {@link SeriesStore} returns them: {@code timestamps}
 * in epoch milliseconds, strictly increasing; {@code values} of the same length.
 */
public record Series(Labels labels, long[] timestamps, double[] values) {

    public int size() {
        return timestamps.length;
    }
}
