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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.config.Durations;
import com.gds.alerting.rulescli.rules.RuleChecker;
import com.gds.alerting.rulescli.yaml.Diagnostic;
import com.gds.alerting.rulescli.yaml.Diagnostics;
import com.gds.alerting.topologies.rules.Template;

/**
 * Runs rule test files through the real topology and prints, for each failing evaluation or
 * assertion, what was expected, what happened, and the difference; with {@code --timeline} each
 * alert's timeline, incidents and notifications; with JSON output, one JSON document instead.
 *
 * <p>Each case is fed one collection instant (one timestamp) at a time, all its samples in the
 * order of the series in the file, then run on to its end: the later of its last sample and its
 * last {@code eval_time}.
 */
public final class RuleTestRunner {

    private final PrintWriter out;
    private final boolean timeline;
    private final boolean json;
    private final ArrayNode jsonFiles = HistoryJson.MAPPER.createArrayNode();
    private int passed;
    private int failed;
    private int assertionsPassed;
    private int assertionsFailed;
    /** Failure texts of the case being run, for the JSON report. */
    private List<String> caseFailures;

    public RuleTestRunner(PrintWriter out) {
        this(out, false, false);
    }

    /**
     * @param timeline print each alert's timeline, incidents and notifications after each case
     * @param json     print one JSON document (cases, failures, alerts) instead of text
     */
    public RuleTestRunner(PrintWriter out, boolean timeline, boolean json) {
        this.out = out;
        this.timeline = timeline;
        this.json = json;
    }

    /** Runs every case of every file; returns whether all passed (and every file was valid). */
    public boolean run(List<Path> testFiles) {
        boolean ok = true;
        for (Path file : testFiles) {
            ok &= runFile(file);
        }
        if (json) {
            ObjectNode root = HistoryJson.MAPPER.createObjectNode();
            root.put("passed", ok);
            root.putObject("evaluations").put("passed", passed).put("failed", failed);
            root.putObject("assertions").put("passed", assertionsPassed).put("failed", assertionsFailed);
            root.set("files", jsonFiles);
            try {
                out.println(HistoryJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("JSON report: " + e.getMessage(), e);
            }
            return ok;
        }
        String assertions = assertionsPassed + assertionsFailed == 0 ? ""
                : "; " + assertionsPassed + " timeline/incident/notification assertions passed, " + assertionsFailed + " failed";
        out.println((ok ? "PASSED: " : "FAILED: ") + passed + " evaluations passed, " + failed + " failed, in "
                + testFiles.size() + " test files" + assertions);
        return ok;
    }

    private boolean runFile(Path file) {
        Diagnostics diagnostics = new Diagnostics();
        RuleTestFile tests = RuleTestFile.read(file, diagnostics);
        RuleChecker.Result rules = RuleChecker.check(tests.ruleFiles());
        ObjectNode jsonFile = jsonFiles.addObject();
        jsonFile.put("file", file.toString());
        ArrayNode jsonCases = jsonFile.putArray("cases");
        if (diagnostics.hasErrors() || rules.diagnostics().hasErrors()) {
            ArrayNode errors = jsonFile.putArray("errors");
            text("ERROR " + file + ": the test or its rule files are invalid");
            for (Diagnostic d : diagnostics.errors()) {
                text("  " + d);
                errors.add(d.toString());
            }
            for (Diagnostic d : rules.diagnostics().errors()) {
                text("  " + d);
                errors.add(d.toString());
            }
            jsonFile.put("valid", false);
            return false;
        }
        jsonFile.put("valid", true);
        boolean ok = true;
        for (RuleTestFile.Case c : tests.cases()) {
            ok &= runCase(file, c, rules.records(), jsonCases.addObject());
        }
        return ok;
    }

    private boolean runCase(Path file, RuleTestFile.Case c, List<Rule> rules, ObjectNode jsonCase) {
        List<List<Metric>> instants = TopologyHarness.instants(samples(c));
        List<RuleTestFile.Check> checks = c.checks().stream().sorted(Comparator.comparingLong(RuleTestFile.Check::evalMs)).toList();
        Instant end = c.start();
        if (!instants.isEmpty()) {
            end = instants.get(instants.size() - 1).get(0).getTimestamp();
        }
        if (!checks.isEmpty() && c.start().plusMillis(checks.get(checks.size() - 1).evalMs()).isAfter(end)) {
            end = c.start().plusMillis(checks.get(checks.size() - 1).evalMs());
        }
        caseFailures = new ArrayList<>();
        boolean ok = true;
        List<AlertEvent> all = new ArrayList<>();
        try (TopologyHarness harness = new TopologyHarness(c.start())) {
            harness.rules(rules);
            harness.silences(c.silences());
            ActiveAlerts active = new ActiveAlerts();
            int next = 0;
            for (RuleTestFile.Check check : checks) {
                Instant at = c.start().plusMillis(check.evalMs());
                while (next < instants.size() && !instants.get(next).get(0).getTimestamp().isAfter(at)) {
                    harness.instant(instants.get(next++));
                    collect(harness, active, all);
                }
                harness.advanceTo(at);
                collect(harness, active, all);
                ok &= compare(file, c, check, at, active.open());
            }
            while (next < instants.size()) {
                harness.instant(instants.get(next++));
                collect(harness, active, all);
            }
            harness.advanceTo(end);
            collect(harness, active, all);
        }
        Map<String, AlertHistory> histories = AlertHistory.of(all);
        ok &= checkHistories(file, c, histories);
        if (timeline && !json) {
            printTimelines(file, c, end, histories);
        }
        jsonCase.put("name", c.name());
        jsonCase.put("line", c.location().line());
        jsonCase.put("passed", ok);
        HistoryJson writer = new HistoryJson(c.start());
        writer.time(jsonCase, "start", c.start());
        writer.time(jsonCase, "end", end);
        ArrayNode failures = jsonCase.putArray("failures");
        caseFailures.forEach(failures::add);
        ArrayNode alerts = jsonCase.putArray("alerts");
        histories.values().forEach(h -> alerts.add(writer.alert(h)));
        return ok;
    }

    private static void collect(TopologyHarness harness, ActiveAlerts active, List<AlertEvent> all) {
        List<AlertEvent> events = harness.events();
        active.apply(events);
        all.addAll(events);
    }

    private boolean checkHistories(Path file, RuleTestFile.Case c, Map<String, AlertHistory> histories) {
        HistoryChecks checks = new HistoryChecks(c.start());
        boolean ok = true;
        for (RuleTestFile.TimelineCheck t : c.timelines()) {
            ok &= outcome(file, c, t.location().line(), "timeline of " + t.selector(), checks.timeline(t, histories));
        }
        for (RuleTestFile.IncidentCheck t : c.incidents()) {
            ok &= outcome(file, c, t.location().line(), "incidents of " + t.selector(), checks.incidents(t, histories));
        }
        for (RuleTestFile.NotificationCheck t : c.notifications()) {
            ok &= outcome(file, c, t.location().line(), "notifications of " + t.selector(), checks.notifications(t, histories));
        }
        return ok;
    }

    private boolean outcome(Path file, RuleTestFile.Case c, int line, String what, String failure) {
        if (failure == null) {
            assertionsPassed++;
            return true;
        }
        assertionsFailed++;
        fail("FAIL " + file + ":" + line + ": " + c.name() + ", " + what + "\n" + failure.stripTrailing());
        return false;
    }

    private void printTimelines(Path file, RuleTestFile.Case c, Instant end, Map<String, AlertHistory> histories) {
        HistoryChecks f = new HistoryChecks(c.start());
        out.println("TIMELINE " + file + ":" + c.location().line() + ": " + c.name() + " (from " + c.start() + " to "
                + f.time(end) + ")");
        if (histories.isEmpty()) {
            out.println("  (no alert was ever pending or firing)");
        }
        for (AlertHistory h : histories.values()) {
            out.println("  " + h.alertKey());
            if (h.segments().isEmpty()) {
                out.println("    (never pending or firing for longer than an instant)");
            }
            h.segments().forEach(s -> out.println("    " + f.describe(s)));
            h.incidents().forEach(i -> out.println("    incident " + f.describe(i)));
            h.notifications().forEach(n -> out.println("    notification " + f.describe(n)));
        }
    }

    private void text(String line) {
        if (!json) {
            out.println(line);
        }
    }

    private void fail(String text) {
        caseFailures.add(text);
        text(text);
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

    /**
     * promtool's exp_alerts: the firing alerts (acknowledged ones too) must be exactly the expected
     * ones; pending alerts are compared only at an evaluation that expects one ({@code state: pending}).
     */
    private boolean compare(Path file, RuleTestFile.Case c, RuleTestFile.Check check, Instant at, List<AlertEvent> open) {
        boolean withPending = check.alerts().stream().anyMatch(e -> e.state() == AlertState.PENDING);
        List<AlertEvent> actual = open.stream().filter(e -> check.rule() == null || check.rule().equals(e.getRuleId()))
                .filter(e -> withPending || e.getState() != AlertState.PENDING).toList();
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
        String nothing = withPending ? " nothing pending or firing" : " nothing firing";
        StringBuilder b = new StringBuilder();
        b.append("FAIL ").append(file).append(':').append(check.location().line()).append(": ").append(c.name())
                .append(", at eval_time ").append(Durations.format(Duration.ofMillis(check.evalMs()))).append(" (").append(at).append(')')
                .append(check.rule() == null ? "" : ", rule " + check.rule()).append('\n');
        b.append("  expected (").append(check.alerts().size()).append("):").append(check.alerts().isEmpty() ? nothing : "").append('\n');
        check.alerts().forEach(e -> b.append("      ").append(describe(e)).append('\n'));
        b.append("  actual (").append(actual.size()).append("):").append(actual.isEmpty() ? nothing : "").append('\n');
        actual.forEach(e -> b.append("      ").append(describe(e)).append('\n'));
        b.append("  diff:\n");
        missing.forEach(e -> b.append("    - ").append(describe(e)).append("   (expected at line ").append(e.location().line())
                .append(", not ").append(e.state().name().toLowerCase(Locale.ROOT)).append(")\n"));
        unmatched.forEach(e -> b.append("    + ").append(describe(e)).append("   (").append(e.getState().name()
                .toLowerCase(Locale.ROOT)).append(", not expected)\n"));
        fail(b.toString().stripTrailing());
        return false;
    }

    private static boolean matches(RuleTestFile.Expected exp, AlertEvent e) {
        return (exp.rule() == null || exp.rule().equals(e.getRuleId()))
                && (exp.instanceId() == null || exp.instanceId().equals(e.getInstanceId()))
                && (exp.metric() == null || exp.metric().equals(e.getMetricName()))
                && (exp.severity() == null || exp.severity() == e.getSeverity())
                && exp.state() == e.getState()
                && exp.labels().entrySet().stream().allMatch(l -> l.getValue().equals(e.getLabels().get(l.getKey())))
                && (exp.summary() == null || exp.summary().equals(e.getSummary()))
                && (exp.description() == null || exp.description().equals(e.getDescription()));
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
        append(b, "description", e.description() == null ? null : "\"" + e.description() + "\"");
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
