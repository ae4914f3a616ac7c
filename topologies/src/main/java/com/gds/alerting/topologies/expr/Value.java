package com.gds.alerting.topologies.expr;

import java.util.List;

/** The result of evaluating an expression at one instant. */
public sealed interface Value {

    /** A single number. */
    record Scalar(double value) implements Value {
    }

    /**
     * One sample per series. {@code timestampMs} is the sample's own time for a plain selector
     * (what {@code timestamp()} reports) and the evaluation time otherwise.
     */
    record Sample(Labels labels, double value, long timestampMs) {
    }

    /** An instant vector: at most one sample per label set. */
    record InstantVector(List<Sample> samples) implements Value {
    }

    /** A range vector: the samples of each series in the range. */
    record RangeVector(List<Series> series) implements Value {
    }
}
