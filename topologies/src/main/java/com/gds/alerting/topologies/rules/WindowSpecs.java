package com.gds.alerting.topologies.rules;

import com.gds.alerting.avro.Aggregation;
import com.gds.alerting.avro.WindowSpec;
import com.gds.alerting.avro.WindowType;

/**
 * A window rule's window, resolved: panes of {@code advanceMs} (a tumbling window is one pane),
 * windows of {@code sizeMs} ending on pane boundaries, evaluated once event time passes their end
 * plus {@code graceMs}.
 */
public record WindowSpecs(Aggregation aggregation, long sizeMs, long advanceMs, long graceMs) {

    /** The default hop of a HOPPING window without {@code advance_ms}: a fifth of its size. */
    public static final int DEFAULT_HOPS_PER_WINDOW = 5;

    static WindowSpecs of(WindowSpec spec) {
        long advance = spec.getType() == WindowType.TUMBLING ? spec.getSizeMs()
                : spec.getAdvanceMs() != null ? spec.getAdvanceMs() : spec.getSizeMs() / DEFAULT_HOPS_PER_WINDOW;
        return new WindowSpecs(spec.getAggregation(), spec.getSizeMs(), advance, spec.getGraceMs());
    }

    /** Whether panes keep a quantile sketch. */
    public boolean quantile() {
        return aggregation == Aggregation.P50 || aggregation == Aggregation.P95 || aggregation == Aggregation.P99;
    }

    /** The rank of a quantile aggregation (0.5, 0.95, 0.99). */
    public double rank() {
        return switch (aggregation) {
            case P50 -> 0.5;
            case P95 -> 0.95;
            case P99 -> 0.99;
            default -> throw new IllegalStateException(aggregation + " is not a quantile");
        };
    }
}
