package com.gds.alerting.rulescli.testing;

import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.nodes.Node;

import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.rulescli.yaml.Diagnostics;
import com.gds.alerting.rulescli.yaml.Location;
import com.gds.alerting.rulescli.yaml.YamlMap;
import com.gds.alerting.rulescli.yaml.YamlSource;

/**
 * A rule test file in the spirit of {@code promtool test rules}: the rule files under test, then
 * test cases of input series and the alerts expected at evaluation times.
 *
 * @param file      the test file
 * @param ruleFiles the rule files it tests, resolved against the test file's directory
 * @param cases     its test cases
 */
public record RuleTestFile(Path file, List<Path> ruleFiles, List<Case> cases) {

    /** 10:00 UTC on Monday 2 March 2026: where a test's time starts unless it sets {@code start}. */
    public static final Instant DEFAULT_START = Instant.parse("2026-03-02T10:00:00Z");

    private static final Set<String> FILE_KEYS = Set.of("rule_files", "tests");
    private static final Set<String> CASE_KEYS = Set.of("name", "interval", "start", "input_series", "alert_rule_test");
    private static final Set<String> SERIES_KEYS = Set.of("series", "values", "interval");
    private static final Set<String> CHECK_KEYS = Set.of("eval_time", "rule", "exp_alerts");
    private static final Set<String> ALERT_KEYS = Set.of("rule", "instance_id", "metric", "severity", "state", "labels",
            "summary");
    private static final Pattern SERIES = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(?:\\{(.*)})?\\s*");
    private static final Pattern LABEL = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*=\\s*\"([^\"]*)\"\\s*(?:,|$)");

    /** One test case. */
    public record Case(String name, Location location, Instant start, List<Series> series, List<Check> checks) {
    }

    /**
     * One input series: a metric of one instance, sampled every {@code intervalMs} from the start.
     *
     * @param values the samples, {@code null} where one is missing
     */
    public record Series(String metric, String instanceId, String databaseType, Map<String, String> tags, long intervalMs,
                         List<Double> values, Location location) {
    }

    /** The alerts expected at {@code evalMs} after the start (only those of {@code rule} when set). */
    public record Check(long evalMs, String rule, List<Expected> alerts, Location location) {
    }

    /** One expected alert; null fields are not compared, {@code labels} is a subset. */
    public record Expected(String rule, String instanceId, String metric, Severity severity, AlertState state,
                           Map<String, String> labels, String summary, Location location) {
    }

    /** Reads {@code file}; problems go to {@code diagnostics}. */
    public static RuleTestFile read(Path file, Diagnostics diagnostics) {
        String name = file.toString();
        List<Path> ruleFiles = new ArrayList<>();
        List<Case> cases = new ArrayList<>();
        for (YamlMap doc : YamlSource.documents(file, name, FILE_KEYS, diagnostics)) {
            for (Node n : doc.list("rule_files")) {
                String rf = doc.scalar(n, "rule_files");
                if (rf != null) {
                    Path dir = file.toAbsolutePath().getParent();
                    ruleFiles.add(dir.resolve(rf).normalize());
                }
            }
            for (Node n : doc.list("tests")) {
                YamlMap c = doc.child(n, "a test", CASE_KEYS);
                if (c != null) {
                    cases.add(testCase(c, diagnostics));
                }
            }
        }
        if (ruleFiles.isEmpty()) {
            diagnostics.error(Location.start(name), "no rule_files: list the rule files this test covers, relative to it");
        }
        return new RuleTestFile(file, ruleFiles, cases);
    }

    private static Case testCase(YamlMap c, Diagnostics d) {
        String name = c.string("name", false);
        Long interval = c.duration("interval", false);
        long defaultInterval = interval == null ? 60_000L : interval;
        Instant start = DEFAULT_START;
        String startText = c.string("start", false);
        if (startText != null) {
            try {
                start = Instant.parse(startText);
            } catch (DateTimeParseException e) {
                d.error(c.at("start"), "'start' must be an instant such as 2026-03-02T10:00:00Z, got '" + startText + "'");
            }
        }
        List<Series> series = new ArrayList<>();
        for (Node n : c.list("input_series")) {
            YamlMap s = c.child(n, "an input series", SERIES_KEYS);
            if (s != null) {
                Series parsed = series(s, defaultInterval, d);
                if (parsed != null) {
                    series.add(parsed);
                }
            }
        }
        List<Check> checks = new ArrayList<>();
        for (Node n : c.list("alert_rule_test")) {
            YamlMap k = c.child(n, "an alert_rule_test", CHECK_KEYS);
            if (k == null) {
                continue;
            }
            Long eval = k.duration("eval_time", true);
            List<Expected> alerts = new ArrayList<>();
            for (Node a : k.list("exp_alerts")) {
                YamlMap e = k.child(a, "an expected alert", ALERT_KEYS);
                if (e != null) {
                    alerts.add(expected(e, d));
                }
            }
            if (eval != null) {
                checks.add(new Check(eval, k.string("rule", false), alerts, k.location()));
            }
        }
        return new Case(name == null ? "test at line " + c.location().line() : name, c.location(), start, series, checks);
    }

    private static Series series(YamlMap s, long defaultInterval, Diagnostics d) {
        String text = s.string("series", true);
        String values = s.string("values", true);
        Long interval = s.duration("interval", false);
        if (text == null || values == null) {
            return null;
        }
        Matcher m = SERIES.matcher(text);
        if (!m.matches()) {
            d.error(s.at("series"), "series '" + text + "' is not metric_name{label=\"value\", ...}");
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (m.group(2) != null && !m.group(2).isBlank()) {
            Matcher l = LABEL.matcher(m.group(2));
            int end = 0;
            while (l.find() && l.start() == end) {
                labels.put(l.group(1), l.group(2));
                end = l.end();
            }
            if (end != m.group(2).length()) {
                d.error(s.at("series"), "series labels '" + m.group(2) + "' are not label=\"value\" pairs separated by commas");
                return null;
            }
        }
        String instance = labels.remove("instance_id");
        if (instance == null) {
            d.error(s.at("series"), "series '" + text + "' needs an instance_id label: alerts are per instance");
            return null;
        }
        String databaseType = labels.remove("database_type");
        labels.putIfAbsent("environment", "prod");
        List<Double> parsed;
        try {
            parsed = SeriesNotation.parse(values);
        } catch (IllegalArgumentException e) {
            d.error(s.at("values"), e.getMessage());
            return null;
        }
        return new Series(m.group(1), instance, databaseType == null ? "postgresql" : databaseType, labels,
                interval == null ? defaultInterval : interval, parsed, s.location());
    }

    private static Expected expected(YamlMap e, Diagnostics d) {
        Severity severity = null;
        String sev = e.string("severity", false);
        if (sev != null) {
            try {
                severity = Severity.valueOf(sev.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException x) {
                d.error(e.at("severity"), "unknown severity '" + sev + "'; one of critical, high, warning, info");
            }
        }
        AlertState state = AlertState.FIRING;
        String st = e.string("state", false);
        if (st != null) {
            try {
                state = AlertState.valueOf(st.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException x) {
                d.error(e.at("state"), "unknown state '" + st + "'; one of pending, firing, acknowledged");
            }
        }
        return new Expected(e.string("rule", false), e.string("instance_id", false), e.string("metric", false), severity, state,
                e.stringMap("labels"), e.string("summary", false), e.location());
    }
}
