package com.gds.alerting.topologies.alert;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.contract.AlertKeys;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.exprrule.ExprInstants;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.Series;

/**
 * EXPR rules in the lifecycle: each evaluation {@link ExprInstants} makes due becomes one verdict
 * per result series (alert key {@code rule:instance:<metric or __expr__>{labels}}), and every open
 * alert of the rule on the instance whose series is no longer in the result gets a healthy verdict
 * at the same time — as in Prometheus, a series that leaves the result stops breaching (and resolves
 * after {@code keep_firing_for}).
 *
 * <p>{@link #forgetRule} keeps the default (nothing): the {@code expr-series} store is per instance and
 * series, shared by every EXPR rule that reads them, and a series no rule reads any more is deleted by the
 * next evaluation that reads its metric (topologies/README.md, "Expression rules").
 */
final class ExprRuleEvaluator implements RuleKindEvaluator {

    private static final Logger LOG = LoggerFactory.getLogger(ExprRuleEvaluator.class);
    private static final StringSerializer STRINGS = new StringSerializer();
    private static final long WARN_EVERY_MS = 10 * 60_000L;

    private final ExprInstants instants;
    private final AlertLifecycle lifecycle;
    private final AlertingCounters counters;
    /** When a failing rule was last reported, by rule id (event time), to say it once in a while. */
    private final Map<String, Long> warnedAt = new HashMap<>();
    private Series lastSample;
    private long lastTs;

    ExprRuleEvaluator(KeyValueStore<String, byte[]> seriesStore, AlertLifecycle lifecycle,
                      com.gds.alerting.topologies.rules.RuleBook ruleBook, AlertingCounters counters) {
        this.instants = new ExprInstants(seriesStore, ruleBook);
        this.lifecycle = lifecycle;
        this.counters = counters;
    }

    /**
     * A sample selected by an EXPR rule: the sample feeds every EXPR rule of its metric at once, so the
     * second and later EXPR rules handed the same sample (same object, same time) do nothing.
     */
    @Override
    public void onSample(CompiledRule rule, Series sample, double value, long ts) {
        if (sample == lastSample && ts == lastTs) {
            return;
        }
        lastSample = sample;
        lastTs = ts;
        for (ExprInstants.Evaluation evaluation : instants.onSample(sample, value, ts)) {
            apply(evaluation);
        }
    }

    private void apply(ExprInstants.Evaluation e) {
        counters.increment(Counter.EXPR_EVALUATIONS);
        CompiledRule rule = e.rule();
        if (e.error() != null) {
            counters.increment(Counter.EXPR_EVALUATION_FAILURES);
            Long last = warnedAt.get(rule.ruleId());
            if (last == null || Math.abs(e.at() - last) >= WARN_EVERY_MS) {
                if (warnedAt.size() >= 10_000) {
                    warnedAt.clear();
                }
                warnedAt.put(rule.ruleId(), e.at());
                LOG.warn("expression rule '{}' cannot be evaluated on instance '{}' at {}: {}; its alerts keep their state"
                        + " (counted in {})", rule.ruleId(), e.instanceId(), java.time.Instant.ofEpochMilli(e.at()), e.error(),
                        Counter.EXPR_EVALUATION_FAILURES.metricName());
            }
            return;
        }
        for (ExprInstants.ResultSeries r : e.results()) {
            lifecycle.evaluate(rule, r.series(), e.at(), false, r.judge());
        }
        Set<String> present = e.alertKeys();
        List<String> gone = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = lifecycle.open().prefixScan(rule.ruleId() + ":" + e.instanceId() + ":",
                STRINGS)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                AlertKeys.Parts parts = AlertKeys.parse(kv.key);
                if (parts != null && parts.instanceId().equals(e.instanceId()) && !present.contains(kv.key)) {
                    gone.add(kv.key);
                }
            }
        }
        for (String key : gone) {
            AlertStatus s = lifecycle.states().get(key);
            if (s == null || s.getState() == AlertState.RESOLVED) {
                continue;
            }
            Series series = new Series(s.getMetricName(), s.getInstanceId(), s.getDatabaseType(), s.getEnvironment(),
                    s.getTags());
            double last = s.getValue() == null ? Double.NaN : s.getValue();
            lifecycle.evaluate(rule, series, e.at(), false, firing -> Verdict.healthy(last));
        }
    }
}
