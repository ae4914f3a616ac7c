package com.gds.alerting.rulescli.backtest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.rulescli.testing.AlertHistory;
import com.gds.alerting.rulescli.testing.TopologyHarness;

/**
 * Replays recorded samples through one rule set on the real topology: one collection instant
 * (timestamp) at a time, its samples in the order recorded, then the wall clock on to the end.
 */
public final class Backtest {

    private Backtest() {
    }

    /** The alert histories of replaying {@code samples} (already filtered to the range) through {@code rules}, up to {@code end}. */
    public static Replay replay(List<Rule> rules, List<Metric> samples, Instant end) {
        List<List<Metric>> instants = TopologyHarness.instants(TopologyHarness.inTimeOrder(samples));
        Instant start = instants.isEmpty() ? end : instants.get(0).get(0).getTimestamp();
        List<AlertEvent> events = new ArrayList<>();
        try (TopologyHarness harness = new TopologyHarness(start)) {
            harness.rules(rules);
            for (List<Metric> instant : instants) {
                harness.instant(instant);
                events.addAll(harness.events());
            }
            harness.advanceTo(end);
            events.addAll(harness.events());
        }
        Map<String, Instant> lastSample = new HashMap<>();
        for (Metric m : samples) {
            lastSample.merge(Replay.seriesKey(m.getInstanceId(), m.getMetricName()), m.getTimestamp(),
                    (a, b) -> a.isAfter(b) ? a : b);
        }
        Map<String, RuleKind> kinds = new HashMap<>();
        rules.forEach(r -> kinds.put(r.getRuleId(), r.getKind()));
        return new Replay(AlertHistory.of(events), lastSample, kinds, start, end);
    }
}
