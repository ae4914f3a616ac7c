package com.gds.alerting.rulescli.testing;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.config.Durations;
import com.gds.alerting.rulescli.rules.RuleChecker;
import com.gds.alerting.rulescli.yaml.Diagnostic;
import com.gds.alerting.rulescli.yaml.Diagnostics;
import com.gds.alerting.topologies.rules.Template;

/**
 * Runs rule test files through the real topology and prints, for each failing evaluation, what
 * was expected, what fired, and the difference.
 */
public final class RuleTestRunner {

    private final PrintWriter out;
    private int passed;
    private int failed;

    public RuleTestRunner(PrintWriter out) {
        this.out = out;
    }

    /** Runs every case of every file; returns whether all passed (and every file was valid). */
    public boolean run(List<Path> testFiles) {
        boolean ok = true;
        for (Path file : testFiles) {
            ok &= runFile(file);
        }
        out.println((ok ? "PASSED: " : "FAILED: ") + passed + " evaluations passed, " + failed + " failed, in "
                + testFiles.size() + " test files");
        return ok;
    }

    private boolean runFile(Path file) {
        Diagnostics diagnostics = new Diagnostics();
        RuleTestFile tests = RuleTestFile.read(file, diagnostics);
        RuleChecker.Result rules = RuleChecker.check(tests.ruleFiles());
        if (diagnostics.hasErrors() || rules.diagnostics().hasErrors()) {
            out.println("ERROR " + file + ": the test or its rule files are invalid");
            for (Diagnostic d : diagnostics.errors()) {
                out.println("  " + d);
            }
            for (Diagnostic d : rules.diagnostics().errors()) {
                out.println("  " + d);
            }
            return false;
        }
        boolean ok = true;
        for (RuleTestFile.Case c : tests.cases()) {
            ok &= runCase(file, c, rules.records());
        }
        return ok;
    }

    private boolean runCase(Path file, RuleTestFile.Case c, List<Rule> rules) {
        List<Metric> samples = samples(c);
        List<RuleTestFile.Check> checks = c.checks().stream().sorted(Comparator.comparingLong(RuleTestFile.Check::evalMs)).toList();
        boolean ok = true;
        try (TopologyHarness harness = new TopologyHarness(c.start())) {
            harness.rules(rules);
            ActiveAlerts active = new ActiveAlerts();
            int next = 0;
            for (RuleTestFile.Check check : checks) {
                Instant at = c.start().plusMillis(check.evalMs());
                while (next < samples.size() && !samples.get(next).getTimestamp().isAfter(at)) {
                    harness.sample(samples.get(next++));
                }
                harness.advanceTo(at);
                active.apply(harness.events());
                ok &= compare(file, c, check, at, active.open());
            }
        }
        return ok;
    }

    private static List<Metric> samples(RuleTestFile.Case c) {
        List<Metric> samples = new ArrayList<>();
        for (RuleTestFile.Series s : c.series()) {
            for (int i = 0; i < s.values().size(); i++) {
                Double v = s.values().get(i);
                if (v != null) {
                    Instant t = c.start().plusMillis(i * s.intervalMs());
                    samples.add(Metric.newBuilder().setTimestamp(t).setDatabaseType(s.databaseType())
                            .setInstanceId(s.instanceId()).setMetricName(s.metric()).setValue(v).setTags(Map.copyOf(s.tags()))
                            .setMetadata(new MetricMetadata(0L, "gds-rules-test", "t" + t.toEpochMilli())).build());
                }
            }
        }
        return TopologyHarness.inTimeOrder(samples);
    }

    private boolean compare(Path file, RuleTestFile.Case c, RuleTestFile.Check check, Instant at, List<AlertEvent> open) {
        List<AlertEvent> actual = open.stream().filter(e -> check.rule() == null || check.rule().equals(e.getRuleId())).toList();
        List<AlertEvent> unmatched = new ArrayList<>(actual);
        List<RuleTestFile.Expected> missing = new ArrayList<>();
        for (RuleTestFile.Expected exp : check.alerts()) {
            AlertEvent hit = unmatched.stream().filter(e -> matches(exp, e)).findFirst().orElse(null);
            if (hit == null) {
                missing.add(exp);
            } else {
                unmatched.remove(hit);
            }
        }
        if (missing.isEmpty() && unmatched.isEmpty()) {
            passed++;
            return true;
        }
        failed++;
        out.println("FAIL " + file + ":" + check.location().line() + ": " + c.name() + ", at eval_time "
                + Durations.format(Duration.ofMillis(check.evalMs())) + " (" + at + ")" + (check.rule() == null ? "" : ", rule " + check.rule()));
        out.println("  expected (" + check.alerts().size() + "):" + (check.alerts().isEmpty() ? " nothing open" : ""));
        check.alerts().forEach(e -> out.println("      " + describe(e)));
        out.println("  actual (" + actual.size() + "):" + (actual.isEmpty() ? " nothing open" : ""));
        actual.forEach(e -> out.println("      " + describe(e)));
        out.println("  diff:");
        missing.forEach(e -> out.println("    - " + describe(e) + "   (expected at line " + e.location().line() + ", not open)"));
        unmatched.forEach(e -> out.println("    + " + describe(e) + "   (open, not expected)"));
        return false;
    }

    private static boolean matches(RuleTestFile.Expected exp, AlertEvent e) {
        return (exp.rule() == null || exp.rule().equals(e.getRuleId()))
                && (exp.instanceId() == null || exp.instanceId().equals(e.getInstanceId()))
                && (exp.metric() == null || exp.metric().equals(e.getMetricName()))
                && (exp.severity() == null || exp.severity() == e.getSeverity())
                && exp.state() == e.getState()
                && exp.labels().entrySet().stream().allMatch(l -> l.getValue().equals(e.getLabels().get(l.getKey())))
                && (exp.summary() == null || exp.summary().equals(e.getSummary()));
    }

    static String describe(RuleTestFile.Expected e) {
        StringBuilder b = new StringBuilder();
        append(b, "rule", e.rule());
        append(b, "instance_id", e.instanceId());
        append(b, "metric", e.metric());
        append(b, "severity", e.severity() == null ? null : e.severity().name().toLowerCase(Locale.ROOT));
        append(b, "state", e.state().name().toLowerCase(Locale.ROOT));
        if (!e.labels().isEmpty()) {
            append(b, "labels", e.labels().toString());
        }
        append(b, "summary", e.summary() == null ? null : "\"" + e.summary() + "\"");
        return b.toString().trim();
    }

    static String describe(AlertEvent e) {
        StringBuilder b = new StringBuilder();
        append(b, "rule", e.getRuleId());
        append(b, "instance_id", e.getInstanceId());
        append(b, "metric", e.getMetricName());
        append(b, "severity", e.getSeverity().name().toLowerCase(Locale.ROOT));
        append(b, "state", e.getState().name().toLowerCase(Locale.ROOT));
        append(b, "value", e.getValue() == null ? null : Template.number(e.getValue()));
        append(b, "since", e.getStartedAt() == null ? null : e.getStartedAt().toString());
        append(b, "summary", e.getSummary() == null ? null : "\"" + e.getSummary() + "\"");
        return b.toString().trim();
    }

    private static void append(StringBuilder b, String name, String value) {
        if (value != null) {
            b.append(name).append('=').append(value).append(' ');
        }
    }
}
