package com.gds.alerting.topologies.rules;

import java.util.List;
import java.util.TreeSet;

import com.gds.alerting.avro.BurnWindow;
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.SliKind;
import com.gds.alerting.avro.SloSpec;
import com.gds.alerting.avro.Severity;

/**
 * An SLO rule, resolved: the SLI, the objective over the period, and the multi-window
 * multi-burn-rate pairs (SRE Workbook table 5-8 when the rule gives none).
 *
 * @param counterMetric RATIO: the good or bad counter (the total is the selector's metric)
 * @param goodCounter   RATIO: whether {@code counterMetric} counts good events (else bad ones)
 * @param goodOp        THRESHOLD: a sample is good when {@code value goodOp goodThreshold}
 * @param minEvents     the least number of events (the SLI's denominator: total-counter increase for RATIO,
 *                      whichever other counter it reads; samples for THRESHOLD) a window must hold to be
 *                      judged; a window not judged does not burn
 * @param windowsMs     every distinct window the pairs use, plus the period, ascending
 */
public record SloSpecs(SliKind sli, String counterMetric, boolean goodCounter, Comparison goodOp, double goodThreshold,
                       double objective, long periodMs, List<BurnPair> pairs, long minEvents, long[] windowsMs) {

    /** Alert when both windows burn faster than {@code burnRate}. */
    public record BurnPair(Severity severity, long longWindowMs, long shortWindowMs, double burnRate) {
    }

    /** SRE Workbook table 5-8: page 1 h / 5 min at 14.4, page 6 h / 30 min at 6, ticket 3 d / 6 h at 1. */
    public static final List<BurnPair> WORKBOOK_DEFAULTS = List.of(
            new BurnPair(Severity.CRITICAL, 3_600_000L, 300_000L, 14.4),
            new BurnPair(Severity.CRITICAL, 21_600_000L, 1_800_000L, 6),
            new BurnPair(Severity.WARNING, 259_200_000L, 21_600_000L, 1));

    static SloSpecs of(SloSpec spec) {
        List<BurnPair> pairs = spec.getBurnWindows().isEmpty() ? WORKBOOK_DEFAULTS : spec.getBurnWindows().stream()
                .map(SloSpecs::pair).toList();
        TreeSet<Long> windows = new TreeSet<>();
        for (BurnPair p : pairs) {
            windows.add(p.longWindowMs());
            windows.add(p.shortWindowMs());
        }
        windows.add(spec.getPeriodMs());
        boolean ratio = spec.getSli() == SliKind.RATIO;
        String counter = !ratio ? null : spec.getGoodMetric() != null ? spec.getGoodMetric() : spec.getBadMetric();
        return new SloSpecs(spec.getSli(), counter, ratio && spec.getGoodMetric() != null, spec.getGoodOp(),
                spec.getGoodThreshold() == null ? Double.NaN : spec.getGoodThreshold(), spec.getObjective(),
                spec.getPeriodMs(), pairs, spec.getMinEvents(), windows.stream().mapToLong(Long::longValue).toArray());
    }

    private static BurnPair pair(BurnWindow w) {
        return new BurnPair(w.getSeverity(), w.getLongWindowMs(), w.getShortWindowMs(), w.getBurnRate());
    }

    /** Whether a THRESHOLD-SLI sample is good. */
    public boolean good(double value) {
        return Level.compare(goodOp, value, goodThreshold);
    }

    /** The error budget: {@code 1 - objective}. */
    public double budget() {
        return 1 - objective;
    }
}
