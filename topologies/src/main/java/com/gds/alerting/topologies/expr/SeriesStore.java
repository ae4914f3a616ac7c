package com.gds.alerting.topologies.expr;

import java.util.List;

/**
 * Where the evaluator reads samples from. The evaluator asks, per selector and evaluation time,
 * for exactly the window {@link StateRequirements} derives from the expression, so an
 * implementation needs to hold no more than that per series (in the topology: a RocksDB store
 * per instance; in tests: {@link InMemorySeriesStore}).
 */
public interface SeriesStore {

    /**
     * Every series whose labels (the metric name is the label {@code __name__}) satisfy all the
     * matchers, with its samples whose timestamps lie in {@code [fromMs, toMs]} (both ends
     * included), in time order. Series without a sample in the window may be left out.
     */
    List<Series> select(List<LabelMatcher> matchers, long fromMs, long toMs);
}
