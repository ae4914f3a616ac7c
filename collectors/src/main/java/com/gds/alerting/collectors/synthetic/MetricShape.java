package com.gds.alerting.collectors.synthetic;

/**
 * How one synthetic series behaves: a gauge that wanders around a baseline (mean-reverting noise,
 * clamped to [min, max]), or a counter that only grows by a rate per second.
 *
 * @param name     metric name
 * @param baseline the value the gauge returns to, or the counter's start
 * @param noise    standard deviation of one step, in the metric's unit
 * @param min      lowest value
 * @param max      highest value
 * @param counter  true for a monotonic counter, whose {@code baseline} is a rate per second
 * @param replicaOnly only emitted by replicas (replication lag)
 */
record MetricShape(String name, double baseline, double noise, double min, double max, boolean counter,
                   boolean replicaOnly) {

    static MetricShape gauge(String name, double baseline, double noise, double min, double max) {
        return new MetricShape(name, baseline, noise, min, max, false, false);
    }

    static MetricShape replicaGauge(String name, double baseline, double noise, double min, double max) {
        return new MetricShape(name, baseline, noise, min, max, false, true);
    }

    static MetricShape counter(String name, double ratePerSecond) {
        return new MetricShape(name, ratePerSecond, ratePerSecond * 0.3, 0, Double.MAX_VALUE, true, false);
    }
}
