package com.gds.alerting.topologies.exprrule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.streams.state.KeyValueStore;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.topologies.alert.Verdict;
import com.gds.alerting.topologies.expr.Evaluator;
import com.gds.alerting.topologies.expr.ExprEvaluationException;
import com.gds.alerting.topologies.expr.LabelMatcher;
import com.gds.alerting.topologies.expr.Labels;
import com.gds.alerting.topologies.expr.SeriesStore;
import com.gds.alerting.topologies.expr.StateRequirements;
import com.gds.alerting.topologies.expr.Value;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.ExprSpecs;
import com.gds.alerting.topologies.rules.ExprSpecs.ExprLevelSpec;
import com.gds.alerting.topologies.rules.Level;
import com.gds.alerting.topologies.rules.Levels;
import com.gds.alerting.topologies.rules.RuleBook;
import com.gds.alerting.topologies.rules.Series;
import com.gds.alerting.topologies.rules.SeriesBy;

/**
 * EXPR rules on one task's instances: keeps, per instance, the samples its EXPR rules' selectors
 * need ({@link ExprSeriesStore}), and evaluates each rule once per <b>collection instant</b> of the
 * instance, returning one verdict per result series.
 *
 * <p><b>The instant.</b> The samples of one collection of an instance share a timestamp, and arrive
 * one after the other (the rule ratio SLOs follow: an instant is judged when it is complete, and a
 * later instant closes an earlier one). An instant is complete when it has seen as many of the
 * stored series as the previous instant had — the usual case: the collector sends the same series
 * every cycle —, and then each EXPR rule that reads one of the metrics seen is evaluated at the
 * instant's time. A series that does not come again leaves the instant incomplete: the first sample
 * of a later instant then closes it, and it is evaluated at its own time before that sample is
 * stored. Samples of an instant already evaluated (a series new in this cycle) are stored and count
 * from the next evaluation; an older sample is stored and evaluated with the instants after it.
 *
 * <p><b>Cost.</b> A sample costs the EXPR rules of its metric name that apply to its instance (the
 * rule book's index), one read and one write of its series and one write of the instant; an
 * evaluation round reads each metric's series of the instance once, whichever number of rules read
 * it, and evaluates each rule whose metrics the instant saw.
 */
public final class ExprInstants {

    /** One result series of an evaluation: the alert's series and how to judge it. */
    public record ResultSeries(Series series, double value, Verdict.Judge judge) {

        public String alertKey(CompiledRule rule) {
            return SeriesBy.exprKey(rule.ruleId(), series);
        }
    }

    /**
     * One evaluation of a rule on an instance at {@code at}: its result series, or the reason it could
     * not be evaluated ({@code error}: what Prometheus' engine refuses too, e.g. many-to-many matching).
     */
    public record Evaluation(CompiledRule rule, String instanceId, long at, List<ResultSeries> results, String error) {

        /** The alert keys of the result series. */
        public Set<String> alertKeys() {
            Set<String> keys = new HashSet<>();
            for (ResultSeries r : results) {
                keys.add(r.alertKey(rule));
            }
            return keys;
        }
    }

    private final ExprSeriesStore store;
    private final RuleBook ruleBook;
    private final Map<String, ExprSeriesStore.Instant> instants = new HashMap<>();

    public ExprInstants(KeyValueStore<String, byte[]> store, RuleBook ruleBook) {
        this.store = new ExprSeriesStore(store);
        this.ruleBook = ruleBook;
    }

    /** The enabled EXPR rules that read {@code metricName} and apply to the instance of {@code series}. */
    public List<CompiledRule> rules(String metricName, Series series) {
        List<CompiledRule> out = null;
        for (List<CompiledRule> candidates : List.of(ruleBook.fleetWide(metricName),
                ruleBook.pinned(metricName, series.instanceId()))) {
            for (CompiledRule rule : candidates) {
                if (rule.kind() == RuleKind.EXPR && rule.selects(series)) {
                    if (out == null) {
                        out = new ArrayList<>(4);
                    }
                    out.add(rule);
                }
            }
        }
        return out == null ? List.of() : out;
    }

    /**
     * Takes one sample: stores it if an EXPR rule's selector needs it, and returns the evaluations it
     * makes due (the instant it completes, or the earlier instant it closes); empty most of the time.
     */
    public List<Evaluation> onSample(Series sample, double value, long ts) {
        String metric = sample.metricName();
        List<CompiledRule> rules = rules(metric, sample);
        if (rules.isEmpty()) {
            return List.of();
        }
        Labels labels = labels(sample);
        long retention = -1;
        for (CompiledRule rule : rules) {
            for (StateRequirements.Need need : rule.expr().needs(metric)) {
                if (matchesAll(need.matchers(), labels)) {
                    retention = Math.max(retention, need.retentionMs());
                }
            }
        }
        if (retention < 0) {
            return List.of(); // no selector of these rules selects this series
        }
        String instance = sample.instanceId();
        List<Evaluation> due = List.of();
        boolean changed = false;
        ExprSeriesStore.Instant instant = instant(instance);
        if (instant == null) {
            instant = new ExprSeriesStore.Instant(ts, 0);
            changed = true;
        } else if (ts > instant.at) {
            if (!instant.evaluated) {
                due = evaluate(instant, sample);
            }
            instant = new ExprSeriesStore.Instant(ts, instant.seenSeries);
            changed = true;
        }
        boolean newInInstant = append(instance, ExprSeriesStore.seriesKey(instance, metric, labels), labels, ts, value,
                retention);
        if (ts == instant.at && newInInstant) {
            instant.seenSeries++;
            instant.metrics.add(metric);
            changed = true;
            if (!instant.evaluated && instant.previousSeries > 0 && instant.seenSeries >= instant.previousSeries) {
                List<Evaluation> now = evaluate(instant, sample);
                instant.evaluated = true;
                if (due.isEmpty()) {
                    due = now;
                } else {
                    due = new ArrayList<>(due);
                    due.addAll(now);
                }
            }
        }
        if (changed) {
            save(instance, instant);
        }
        return due;
    }

    private ExprSeriesStore.Instant instant(String instanceId) {
        ExprSeriesStore.Instant cached = instants.get(instanceId);
        if (cached != null) {
            return cached;
        }
        ExprSeriesStore.Instant stored = store.instant(instanceId);
        if (stored != null) {
            instants.put(instanceId, stored);
        }
        return stored;
    }

    private void save(String instanceId, ExprSeriesStore.Instant instant) {
        instants.put(instanceId, instant);
        store.put(instanceId, instant);
    }

    /**
     * Adds a sample to its series, in time order (a repeat of a time replaces the value), and drops
     * samples older than {@code retention} before the newest. Returns whether the series had no sample
     * at {@code ts} or later before (it is new in the instant at {@code ts}).
     */
    private boolean append(String instance, String key, Labels labels, long ts, double value, long retention) {
        ExprSeriesStore.Stored current = store.series(instance, key);
        long[] oldTs = current == null ? new long[0] : current.timestamps();
        double[] oldVs = current == null ? new double[0] : current.values();
        int n = oldTs.length;
        boolean newest = n == 0 || oldTs[n - 1] < ts;
        int pos = java.util.Arrays.binarySearch(oldTs, ts);
        long[] ts2;
        double[] vs2;
        if (pos >= 0) {
            ts2 = oldTs;
            vs2 = oldVs.clone();
            vs2[pos] = value;
        } else {
            int at = -pos - 1;
            ts2 = new long[n + 1];
            vs2 = new double[n + 1];
            System.arraycopy(oldTs, 0, ts2, 0, at);
            System.arraycopy(oldVs, 0, vs2, 0, at);
            ts2[at] = ts;
            vs2[at] = value;
            System.arraycopy(oldTs, at, ts2, at + 1, n - at);
            System.arraycopy(oldVs, at, vs2, at + 1, n - at);
        }
        long keepFrom = ts2[ts2.length - 1] - retention;
        int first = 0;
        while (first < ts2.length && ts2[first] < keepFrom) {
            first++;
        }
        if (first > 0) {
            ts2 = java.util.Arrays.copyOfRange(ts2, first, ts2.length);
            vs2 = java.util.Arrays.copyOfRange(vs2, first, vs2.length);
        }
        store.put(instance, new ExprSeriesStore.Stored(key, current == null ? labels : current.labels(), ts2, vs2));
        return newest;
    }

    /** Evaluates, at the instant's time, every EXPR rule of the instance that reads a metric the instant saw. */
    private List<Evaluation> evaluate(ExprSeriesStore.Instant instant, Series instanceSeries) {
        Map<String, CompiledRule> rules = new LinkedHashMap<>();
        for (String metric : instant.metrics) {
            for (CompiledRule rule : rules(metric, instanceSeries)) {
                rules.putIfAbsent(rule.ruleId(), rule);
            }
        }
        if (rules.isEmpty()) {
            return List.of();
        }
        View view = new View(instanceSeries, instant.at);
        List<Evaluation> out = new ArrayList<>(rules.size());
        for (CompiledRule rule : rules.values()) {
            out.add(evaluate(rule, view, instanceSeries, instant.at));
        }
        return out;
    }

    /** Evaluates one rule at {@code at} over the instance's stored series (also for tests and the rule test runner). */
    static Evaluation evaluate(CompiledRule rule, SeriesStore view, Series instanceSeries, long at) {
        ExprSpecs spec = rule.expr();
        Evaluator evaluator = new Evaluator(view);
        List<ResultSeries> results = new ArrayList<>();
        try {
            if (spec.expression() != null) {
                for (Map.Entry<Labels, Double> r : samples(evaluator.evaluate(spec.expression(), at)).entrySet()) {
                    Series series = alertSeries(r.getKey(), instanceSeries);
                    double v = r.getValue();
                    results.add(new ResultSeries(series, v, firing -> {
                        Levels levels = rule.levelsAt(series, at);
                        if (levels.disabled()) {
                            return Verdict.DISABLED;
                        }
                        Level level = levels.verdict(v, firing);
                        return level == null ? Verdict.healthy(v) : Verdict.breached(level, v);
                    }));
                }
            } else {
                List<ExprLevelSpec> levels = spec.levels();
                List<Map<Labels, Double>> breaching = new ArrayList<>(levels.size());
                List<Map<Labels, Double>> holding = new ArrayList<>(levels.size());
                Map<Labels, Double> union = new LinkedHashMap<>();
                for (ExprLevelSpec level : levels) {
                    Map<Labels, Double> hit = samples(evaluator.evaluate(level.expr(), at));
                    Map<Labels, Double> held = level.recovery() == null ? hit : samples(evaluator.evaluate(level.recovery(), at));
                    breaching.add(hit);
                    holding.add(held);
                    hit.forEach(union::putIfAbsent);
                    held.forEach(union::putIfAbsent);
                }
                for (Map.Entry<Labels, Double> r : union.entrySet()) {
                    Labels labels = r.getKey();
                    Series series = alertSeries(labels, instanceSeries);
                    results.add(new ResultSeries(series, r.getValue(), firing -> {
                        if (rule.disabledFor(series)) {
                            return Verdict.DISABLED;
                        }
                        for (int i = 0; i < levels.size(); i++) {
                            ExprLevelSpec level = levels.get(i);
                            boolean held = firing != null && level.severity().compareTo(firing) <= 0;
                            Double v = (held ? holding : breaching).get(i).get(labels);
                            if (v != null) {
                                return Verdict.breached(level(level.severity(), level.threshold()), v);
                            }
                        }
                        return Verdict.healthy(r.getValue());
                    }));
                }
            }
        } catch (ExprEvaluationException e) {
            return new Evaluation(rule, instanceSeries.instanceId(), at, List.of(), e.getMessage());
        }
        return new Evaluation(rule, instanceSeries.instanceId(), at, results, null);
    }

    private static Level level(Severity severity, double threshold) {
        return new Level(severity, Comparison.GT, threshold, threshold);
    }

    /** An expression's result as label set → value; a scalar is one series without labels. */
    private static Map<Labels, Double> samples(Value value) {
        Map<Labels, Double> out = new LinkedHashMap<>();
        if (value instanceof Value.Scalar s) {
            out.put(Labels.EMPTY, s.value());
        } else if (value instanceof Value.InstantVector v) {
            for (Value.Sample s : v.samples()) {
                out.put(s.labels(), s.value());
            }
        }
        return out;
    }

    /**
     * The alert series of a result series on an instance: its metric name ({@code __name__}, or
     * {@value ExprSpecs#NO_METRIC_NAME} when the result has none) and its other labels as tags, without
     * the instance's own labels (instance_id, database_type, environment), which the alert carries anyway.
     */
    static Series alertSeries(Labels labels, Series instance) {
        String name = labels.get(Labels.METRIC_NAME);
        Map<String, String> tags = new HashMap<>(labels.asMap());
        tags.remove(Labels.METRIC_NAME);
        tags.remove("instance_id");
        tags.remove("database_type");
        tags.remove("environment");
        return new Series(name.isEmpty() ? ExprSpecs.NO_METRIC_NAME : name, instance.instanceId(), instance.databaseType(),
                instance.environment(), Map.copyOf(tags));
    }

    /** A sample's labels as selectors see them: its tags, {@code __name__}, {@code instance_id}, {@code database_type}. */
    static Labels labels(Series sample) {
        Map<String, String> map = new HashMap<>(sample.tags());
        map.put(Labels.METRIC_NAME, sample.metricName());
        map.put("instance_id", sample.instanceId());
        if (sample.databaseType() != null) {
            map.put("database_type", sample.databaseType());
        }
        if (sample.environment() != null) {
            map.putIfAbsent("environment", sample.environment());
        }
        return Labels.of(map);
    }

    private static boolean matchesAll(List<LabelMatcher> matchers, Labels labels) {
        for (LabelMatcher m : matchers) {
            if (!m.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The instance's stored series as the evaluator reads them, each metric read once per round; a
     * series whose newest sample is older than every window a rule still reads is deleted on the way.
     */
    private final class View implements SeriesStore {
        private final Series instance;
        private final long at;
        private final Map<String, List<ExprSeriesStore.Stored>> byMetric = new HashMap<>();

        View(Series instance, long at) {
            this.instance = instance;
            this.at = at;
        }

        @Override
        public List<com.gds.alerting.topologies.expr.Series> select(List<LabelMatcher> matchers, long fromMs, long toMs) {
            String metric = null;
            for (LabelMatcher m : matchers) {
                if (m.name().equals(Labels.METRIC_NAME) && m.op() == LabelMatcher.Op.EQUAL) {
                    metric = m.value();
                    break;
                }
            }
            if (metric == null) {
                return new ArrayList<>();
            }
            List<com.gds.alerting.topologies.expr.Series> out = new ArrayList<>();
            for (ExprSeriesStore.Stored s : byMetric.computeIfAbsent(metric, this::load)) {
                if (!matchesAll(matchers, s.labels())) {
                    continue;
                }
                long[] ts = s.timestamps();
                int from = lowerBound(ts, fromMs);
                int to = lowerBound(ts, toMs + 1);
                if (to <= from) {
                    continue;
                }
                out.add(new com.gds.alerting.topologies.expr.Series(s.labels(), java.util.Arrays.copyOfRange(ts, from, to),
                        java.util.Arrays.copyOfRange(s.values(), from, to)));
            }
            return out;
        }

        private List<ExprSeriesStore.Stored> load(String metric) {
            long retention = -1;
            for (CompiledRule rule : rules(metric, instance)) {
                retention = Math.max(retention, rule.expr().retentionMs(metric));
            }
            List<ExprSeriesStore.Stored> kept = new ArrayList<>();
            for (ExprSeriesStore.Stored s : store.metric(instance.instanceId(), metric)) {
                if (retention < 0 || s.newest() < at - retention) {
                    store.delete(instance.instanceId(), s.key()); // no rule reads it any more, or it stopped longer ago than any window
                } else {
                    kept.add(s);
                }
            }
            return kept;
        }
    }

    private static int lowerBound(long[] sorted, long value) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
