package com.gds.alerting.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.RuleBook;

/**
 * The time to load the rule index: {@code --rules} threshold rules on one metric name, each pinned
 * by {@code instance_id="..."} to its own instance (the shape of per-instance rules, all of one
 * metric), loaded into a fresh {@link RuleBook} two ways — {@code replaceAll} (the rule table's
 * {@code init} from its store) and one {@code put} per rule (the global store's restore, which runs
 * every record through the rule-table processor) — after compiling them, which is not timed. No
 * Kafka: the index alone. Each round checks that every rule is found as the candidate of its
 * instance, so a broken index cannot report a good time.
 *
 * <pre>
 * java -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.RuleBookLoadBenchmark --rules 100000 --repeat 3
 * </pre>
 */
public final class RuleBookLoadBenchmark {

    private RuleBookLoadBenchmark() {
    }

    public static void main(String[] argv) {
        Map<String, String> args = BenchArgs.parse("RuleBookLoadBenchmark", argv, "rules", "repeat", "metric-names");
        AvroClassTrust.install();
        int count = Integer.parseInt(args.getOrDefault("rules", "100000"));
        int repeat = Integer.parseInt(args.getOrDefault("repeat", "3"));
        int metricNames = Integer.parseInt(args.getOrDefault("metric-names", "1"));
        List<CompiledRule> rules = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rules.add(CompiledRule.compile(rule("pinned-" + i, "metric_" + (i % metricNames), "pg-" + i)));
        }
        System.out.printf(Locale.ROOT, "%,d rules pinned to one instance each, on %d metric name(s)%n", count, metricNames);
        for (int round = 1; round <= repeat; round++) {
            RuleBook bulk = new RuleBook();
            ProcessCpu cpu = ProcessCpu.start();
            long started = System.nanoTime();
            bulk.replaceAll(rules);
            double bulkSeconds = (System.nanoTime() - started) / 1e9;
            String bulkCpu = cpu.report(count, "rules");
            check(bulk, rules, metricNames);

            RuleBook oneByOne = new RuleBook();
            cpu = ProcessCpu.start();
            started = System.nanoTime();
            for (CompiledRule rule : rules) {
                oneByOne.put(rule);
            }
            double putSeconds = (System.nanoTime() - started) / 1e9;
            String putCpu = cpu.report(count, "rules");
            check(oneByOne, rules, metricNames);
            System.out.printf(Locale.ROOT, "round %d: replaceAll %.3f s (%s); put one by one %.3f s (%s)%n",
                    round, bulkSeconds, bulkCpu, putSeconds, putCpu);
        }
    }

    private static void check(RuleBook book, List<CompiledRule> rules, int metricNames) {
        for (int i = 0; i < rules.size(); i++) {
            List<CompiledRule> found = book.pinned("metric_" + (i % metricNames), "pg-" + i);
            if (found.size() != 1 || found.get(0) != rules.get(i)) {
                throw new IllegalStateException("rule " + rules.get(i).ruleId() + " is not the one candidate of its instance: " + found);
            }
        }
        if (book.size() != rules.size()) {
            throw new IllegalStateException("the book holds " + book.size() + " rules, not " + rules.size());
        }
    }

    private static Rule rule(String id, String metric, String instance) {
        return Rule.newBuilder()
                .setRuleId(id)
                .setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector(metric, List.of(new Matcher("instance_id", MatchOp.EQ, instance))))
                .setConditions(List.of(new Condition(Severity.WARNING, Comparison.GT, 100.0, null)))
                .build();
    }
}
