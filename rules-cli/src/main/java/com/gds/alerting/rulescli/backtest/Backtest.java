package com.gds.alerting.rulescli.backtest;

import java.time.Instant;
import java.util.List;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.rulescli.testing.TopologyHarness;

/** Replays recorded samples, in event-time order, through one rule set on the real topology. */
public final class Backtest {

    private Backtest() {
    }

    /** The tally of replaying {@code samples} (already filtered to the range) through {@code rules}, closed at {@code end}. */
    public static AlertTally replay(List<Rule> rules, List<Metric> samples, Instant end) {
        List<Metric> ordered = TopologyHarness.inTimeOrder(samples);
        AlertTally tally = new AlertTally();
        Instant start = ordered.isEmpty() ? end : ordered.get(0).getTimestamp();
        try (TopologyHarness harness = new TopologyHarness(start)) {
            harness.rules(rules);
            for (Metric m : ordered) {
                harness.sample(m);
                tally.apply(harness.events());
            }
            harness.advanceTo(end);
            tally.apply(harness.events());
        }
        tally.close(end);
        return tally;
    }
}
