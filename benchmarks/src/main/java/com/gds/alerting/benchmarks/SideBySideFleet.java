package com.gds.alerting.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.Severity;

/**
 * The fleet and rules of the side-by-side benchmark, one definition for both sides: {@code series} series
 * ({@code metricsPerInstance} metric names per instance, instances spread over four database types), each with one
 * value per second that is a pure function of (seed, series, second), so the Kafka side (Avro records on the
 * metrics topics) and the Prometheus side (an exposition-format page it scrapes) see the same values; and threshold
 * rules with a {@code for}, as project rules and as the equivalent Prometheus alerting rules. (Not the collectors'
 * {@code SyntheticFleet}: that one is a random walk advanced cycle by cycle, while Prometheus scrapes at moments of its
 * own choosing, so here each value is a pure function of the second.)
 *
 * <p>Values are healthy ([0, 90)) except in 30-s blocks chosen by the seed, about {@code breachPer10k} in 10,000
 * per series, where they stand at 150: alerts go pending, fire once {@code for} has passed, and resolve, on both
 * sides, at the same rate.
 *
 * <p>Rules: the first {@code metricsPerInstance} are fleet-wide, one per metric name ({@code m_03 > 100}); the
 * rest are pinned, each to one instance and metric ({@code m_03{instance_id="mssql-17"} > 100}), the shape of
 * per-instance rules: a sample then matches one fleet rule and, for {@code rules - metricsPerInstance} of the
 * series, one or a few pinned ones.
 */
final class SideBySideFleet {

    static final List<String> TYPES = List.of("postgresql", "mssql", "mongodb", "snowflake");
    static final String ENVIRONMENT = "prod";
    static final double THRESHOLD = 100;
    private static final double BREACH_VALUE = 150;
    private static final int BREACH_BLOCK_SECONDS = 30;

    private final int series;
    private final int metricsPerInstance;
    private final int instances;
    private final int rules;
    private final long forMillis;
    private final long seed;
    private final int breachPer10k;

    SideBySideFleet(int series, int metricsPerInstance, int rules, long forMillis, long seed, int breachPer10k) {
        if (series <= 0 || metricsPerInstance <= 0 || series % metricsPerInstance != 0) {
            throw new IllegalArgumentException("--series must be a positive multiple of --metrics-per-instance, got "
                    + series + " and " + metricsPerInstance);
        }
        if (rules <= 0) {
            throw new IllegalArgumentException("--rules must be positive, got " + rules);
        }
        this.series = series;
        this.metricsPerInstance = metricsPerInstance;
        this.instances = series / metricsPerInstance;
        this.rules = rules;
        this.forMillis = forMillis;
        this.seed = seed;
        this.breachPer10k = breachPer10k;
    }

    int series() {
        return series;
    }

    int instances() {
        return instances;
    }

    int rules() {
        return rules;
    }

    long forMillis() {
        return forMillis;
    }

    /** Series {@code s} belongs to instance {@code s / metricsPerInstance} and metric {@code s % metricsPerInstance}. */
    String instanceId(int instance) {
        return type(instance) + "-" + instance;
    }

    String type(int instance) {
        return TYPES.get(instance % TYPES.size());
    }

    static String metricName(int metric) {
        return String.format(Locale.ROOT, "m_%02d", metric);
    }

    /** The value of series {@code s} during second {@code second} (epoch seconds): the same on both sides. */
    double value(int s, long second) {
        long block = Math.floorDiv(second, BREACH_BLOCK_SECONDS);
        if (Math.floorMod(mix(seed ^ (s * 0x9E3779B97F4A7C15L) ^ (block * 0xC2B2AE3D27D4EB4FL)), 10_000) < breachPer10k) {
            return BREACH_VALUE;
        }
        return Math.floorMod(mix(seed + s * 0x632BE59BD9B4E019L + second * 0x85EBCA77C2B2AE63L), 9_000) / 100.0;
    }

    /** The Avro record of series {@code s} at {@code second}, as a collector would publish it. */
    Metric metric(int s, long second) {
        int instance = s / metricsPerInstance;
        String type = type(instance);
        return Metric.newBuilder().setTimestamp(Instant.ofEpochSecond(second)).setDatabaseType(type)
                .setInstanceId(instanceId(instance)).setMetricName(metricName(s % metricsPerInstance)).setValue(value(s, second))
                .setTags(Map.of("environment", ENVIRONMENT)).setMetadata(new MetricMetadata(1L, "side-by-side", "bench")).build();
    }

    /**
     * The exposition-format page of one database type's instances at {@code second}: what Prometheus scrapes. The
     * labels are the ones the project's selectors read (database_type, instance_id, environment). Returns the number
     * of series written.
     */
    int exposition(String type, long second, StringBuilder out) {
        int written = 0;
        for (int instance = TYPES.indexOf(type); instance < instances; instance += TYPES.size()) {
            String id = instanceId(instance);
            for (int m = 0; m < metricsPerInstance; m++) {
                out.append(metricName(m)).append("{database_type=\"").append(type).append("\",environment=\"")
                        .append(ENVIRONMENT).append("\",instance_id=\"").append(id).append("\"} ")
                        .append(value(instance * metricsPerInstance + m, second)).append('\n');
                written++;
            }
        }
        return written;
    }

    /** The rules as the project's records (what {@code gds-rules publish} writes to {@code gds.rules}). */
    List<Rule> projectRules() {
        List<Rule> list = new ArrayList<>(rules);
        for (int r = 0; r < rules; r++) {
            list.add(Rule.newBuilder().setRuleId(ruleId(r)).setKind(RuleKind.THRESHOLD)
                    .setSelector(new Selector(metricName(r % metricsPerInstance), matchers(r)))
                    .setConditions(List.of(new Condition(Severity.CRITICAL, Comparison.GT, THRESHOLD, null)))
                    .setForMs(forMillis).build());
        }
        return list;
    }

    /** The same rules as one Prometheus rule group evaluated every second (a rules file for {@code rule_files}). */
    String prometheusRules() {
        StringBuilder out = new StringBuilder("groups:\n  - name: side-by-side\n    interval: 1s\n    rules:\n");
        for (int r = 0; r < rules; r++) {
            String selector = r < metricsPerInstance ? "" : "{instance_id=\"" + pinnedInstance(r) + "\"}";
            out.append("      - alert: ").append(ruleId(r)).append('\n')
                    .append("        expr: '").append(metricName(r % metricsPerInstance)).append(selector).append(" > ")
                    .append(THRESHOLD).append("'\n")
                    .append("        for: ").append(forMillis).append("ms\n")
                    .append("        labels:\n          severity: critical\n");
        }
        return out.toString();
    }

    private List<Matcher> matchers(int rule) {
        return rule < metricsPerInstance ? List.of() : List.of(new Matcher("instance_id", MatchOp.EQ, pinnedInstance(rule)));
    }

    private String pinnedInstance(int rule) {
        return instanceId((rule / metricsPerInstance - 1) % instances);
    }

    private static String ruleId(int rule) {
        return String.format(Locale.ROOT, "side-by-side-%04d", rule);
    }

    /** SplitMix64's finaliser: a well-spread hash of a long, so the values need no shared random state. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
