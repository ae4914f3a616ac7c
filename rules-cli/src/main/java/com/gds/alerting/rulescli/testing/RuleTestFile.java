package com.gds.alerting.rulescli.testing;

import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.Silence;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.rulescli.rules.RuleFileParser;
import com.gds.alerting.rulescli.yaml.Diagnostics;
import com.gds.alerting.config.Durations;
import com.gds.alerting.config.InvalidDurationException;
import com.gds.alerting.rulescli.yaml.Location;
import com.gds.alerting.rulescli.yaml.YamlMap;
import com.gds.alerting.rulescli.yaml.YamlSource;
import com.gds.alerting.topologies.silences.SilenceValidator;

/**
 * A rule test file in the layout of {@code promtool test rules}: the rule files under test, then
 * test cases of input series and the alerts expected at evaluation times; and, beyond promtool,
 * the timelines, incidents and notifications expected over the whole case. promtool's own field
 * names ({@code evaluation_interval}, {@code alertname}, {@code exp_labels}, {@code
 * exp_annotations}) are read as they are, so a promtool test ports by pointing {@code rule_files}
 * at GDS rules and naming labels as GDS names them.
 *
 * @param file      the test file
 * @param ruleFiles the rule files it tests, resolved against the test file's directory
 * @param cases     its test cases
 */
public record RuleTestFile(Path file, List<Path> ruleFiles, List<Case> cases) {

    /** 10:00 UTC on Monday 2 March 2026: where a test's time starts unless it sets {@code start}. */
    public static final Instant DEFAULT_START = Instant.parse("2026-03-02T10:00:00Z");

    /** promtool's fields that have no counterpart here, with what to do instead. */
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "promql_expr_test", "there is no PromQL here; test rules with alert_rule_test",
            "group_eval_order", "rules are not grouped: each sample is evaluated by every rule it matches",
            "external_labels", "put the labels on the rule (labels:) instead",
            "external_url", "alerts carry runbook_url and routing_key, not an external URL");
    private static final Set<String> FILE_KEYS = Set.of("rule_files", "tests", "evaluation_interval", "group_eval_order");
    private static final Set<String> CASE_KEYS = Set.of("name", "interval", "start", "input_series", "alert_rule_test",
            "timeline_test", "incident_test", "notification_test", "silences", "promql_expr_test", "external_labels",
            "external_url");
    private static final Set<String> SILENCE_KEYS = Set.of("id", "match", "start", "end", "comment", "created_by");
    private static final Set<String> SERIES_KEYS = Set.of("series", "values", "interval");
    private static final Set<String> CHECK_KEYS = Set.of("eval_time", "rule", "alertname", "exp_alerts");
    private static final Set<String> ALERT_KEYS = Set.of("rule", "alertname", "instance_id", "metric", "severity", "state",
            "labels", "summary", "description", "exp_labels", "exp_annotations");
    private static final Set<String> SELECTOR_KEYS = Set.of("rule", "alertname", "instance_id", "metric");
    private static final Set<String> TIMELINE_KEYS = union(SELECTOR_KEYS, Set.of("pending", "firing", "critical", "high",
            "warning", "info"));
    private static final Set<String> INCIDENT_TEST_KEYS = union(SELECTOR_KEYS, Set.of("exp_incidents"));
    private static final Set<String> INCIDENT_KEYS = Set.of("start", "end", "severities");
    private static final Set<String> NOTIFICATION_TEST_KEYS = union(SELECTOR_KEYS, Set.of("exp_notifications"));
    private static final Set<String> NOTIFICATION_KEYS = Set.of("at", "transition", "severity", "incident", "message_id",
            "sent", "suppressed_by", "routing_key", "summary");
    private static final Pattern SERIES = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(?:\\{(.*)})?\\s*");
    private static final Pattern LABEL = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*=\\s*\"([^\"]*)\"\\s*(?:,|$)");

    /** One test case. */
    public record Case(String name, Location location, Instant start, List<Series> series, List<Check> checks,
                       List<TimelineCheck> timelines, List<IncidentCheck> incidents, List<NotificationCheck> notifications,
                       List<Silence> silences) {
    }

    /** Which alerts an assertion is about; null parts match anything. */
    public record Selector(String rule, String instanceId, String metric) {
        public boolean matches(String ruleId, String instance, String metricName) {
            return (rule == null || rule.equals(ruleId)) && (instanceId == null || instanceId.equals(instance))
                    && (metric == null || metric.equals(metricName));
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            if (rule != null) {
                b.append("rule=").append(rule).append(' ');
            }
            if (instanceId != null) {
                b.append("instance_id=").append(instanceId).append(' ');
            }
            if (metric != null) {
                b.append("metric=").append(metric).append(' ');
            }
            return b.isEmpty() ? "every alert" : b.toString().trim();
        }
    }

    /** A stretch of time after the start; {@code toMs} null = still so at the end of the case. */
    public record Interval(long fromMs, Long toMs) {
    }

    /**
     * The expected timeline of the one alert {@code selector} picks: per phase ({@code pending},
     * {@code firing}, or a severity name for firing at that severity) the exact intervals.
     */
    public record TimelineCheck(Selector selector, Map<String, List<Interval>> phases, Location location) {
    }

    /** The exact incidents of the alerts {@code selector} picks, in time order. */
    public record IncidentCheck(Selector selector, List<ExpectedIncident> incidents, Location location) {
    }

    /**
     * One expected incident; null fields are not compared.
     *
     * @param open true when it must still be open at the end of the case ({@code end: open})
     */
    public record ExpectedIncident(Long startMs, Long endMs, boolean open, List<Severity> severities, Location location) {
    }

    /** The exact notifications of the alerts {@code selector} picks, in time order. */
    public record NotificationCheck(Selector selector, List<ExpectedNotification> notifications, Location location) {
    }

    /** One expected notification; null fields are not compared. */
    public record ExpectedNotification(Long atMs, Transition transition, Severity severity, Long incident, String messageId,
                                       Boolean sent, String suppressedBy, String routingKey, String summary,
                                       Location location) {
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
                           Map<String, String> labels, String summary, String description, Location location) {
    }

    /** Reads {@code file}; problems go to {@code diagnostics}. */
    public static RuleTestFile read(Path file, Diagnostics diagnostics) {
        String name = file.toString();
        List<Path> ruleFiles = new ArrayList<>();
        List<Case> cases = new ArrayList<>();
        for (YamlMap doc : YamlSource.documents(file, name, FILE_KEYS, diagnostics)) {
            unsupported(doc, diagnostics);
            Long evaluationInterval = doc.duration("evaluation_interval", false);
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
                    cases.add(testCase(c, evaluationInterval == null ? 60_000L : evaluationInterval, diagnostics));
                }
            }
        }
        if (ruleFiles.isEmpty()) {
            diagnostics.error(Location.start(name), "no rule_files: list the rule files this test covers, relative to it");
        }
        return new RuleTestFile(file, ruleFiles, cases);
    }

    private static void unsupported(YamlMap m, Diagnostics d) {
        for (Map.Entry<String, String> u : UNSUPPORTED.entrySet()) {
            if (m.has(u.getKey())) {
                d.error(m.keyAt(u.getKey()), "'" + u.getKey() + "' (promtool) is not supported: " + u.getValue());
            }
        }
    }

    private static Case testCase(YamlMap c, long evaluationInterval, Diagnostics d) {
        unsupported(c, d);
        String name = c.string("name", false);
        Long interval = c.duration("interval", false);
        // promtool: a test's interval defaults to the file's evaluation_interval (itself 1m by default)
        long defaultInterval = interval == null ? evaluationInterval : interval;
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
            String rule = alias(k, "rule", "alertname", d);
            List<Expected> alerts = new ArrayList<>();
            for (Node a : k.list("exp_alerts")) {
                YamlMap e = k.child(a, "an expected alert", ALERT_KEYS);
                if (e != null) {
                    alerts.add(expected(e, d));
                }
            }
            if (eval != null) {
                checks.add(new Check(eval, rule, alerts, k.location()));
            }
        }
        List<TimelineCheck> timelines = new ArrayList<>();
        for (Node n : c.list("timeline_test")) {
            YamlMap t = c.child(n, "a timeline_test", TIMELINE_KEYS);
            if (t != null) {
                timelines.add(timeline(t, d));
            }
        }
        List<IncidentCheck> incidents = new ArrayList<>();
        for (Node n : c.list("incident_test")) {
            YamlMap t = c.child(n, "an incident_test", INCIDENT_TEST_KEYS);
            if (t != null) {
                List<ExpectedIncident> expected = new ArrayList<>();
                for (Node i : t.list("exp_incidents")) {
                    YamlMap e = t.child(i, "an expected incident", INCIDENT_KEYS);
                    if (e != null) {
                        expected.add(incident(e, d));
                    }
                }
                incidents.add(new IncidentCheck(selector(t, d), expected, t.location()));
            }
        }
        List<NotificationCheck> notifications = new ArrayList<>();
        for (Node n : c.list("notification_test")) {
            YamlMap t = c.child(n, "a notification_test", NOTIFICATION_TEST_KEYS);
            if (t != null) {
                List<ExpectedNotification> expected = new ArrayList<>();
                for (Node i : t.list("exp_notifications")) {
                    YamlMap e = t.child(i, "an expected notification", NOTIFICATION_KEYS);
                    if (e != null) {
                        expected.add(notification(e, d));
                    }
                }
                notifications.add(new NotificationCheck(selector(t, d), expected, t.location()));
            }
        }
        List<Silence> silences = new ArrayList<>();
        for (Node n : c.list("silences")) {
            YamlMap m = c.child(n, "a silence", SILENCE_KEYS);
            if (m != null) {
                Silence s = silence(m, start, silences.size() + 1, d);
                if (s != null) {
                    silences.add(s);
                }
            }
        }
        return new Case(name == null ? "test at line " + c.location().line() : name, c.location(), start, series, checks,
                timelines, incidents, notifications, silences);
    }

    /** A silence as {@code POST /api/v1/silences} takes it, its times offsets from the start; checked as the topology checks it. */
    private static Silence silence(YamlMap m, Instant start, int number, Diagnostics d) {
        List<Matcher> matchers = new ArrayList<>();
        for (Node n : m.list("match")) {
            String text = m.scalar(n, "match");
            Matcher parsed = text == null ? null : RuleFileParser.matcher(text);
            if (parsed == null) {
                d.error(Location.of(m.file(), n), "matcher '" + text + "' is not 'label OP value' with OP one of =, !=, =~, !~");
                return null;
            }
            matchers.add(parsed);
        }
        Long from = m.node("start") == null ? Long.valueOf(0) : offset(m, "start", m.node("start"), false, d);
        Long to = m.node("end") == null ? null : offset(m, "end", m.node("end"), false, d);
        if (from == null || (m.node("end") != null && to == null)) {
            return null;
        }
        String id = m.string("id", false);
        String comment = m.string("comment", false);
        String createdBy = m.string("created_by", false);
        Silence silence = Silence.newBuilder().setSilenceId(id == null ? "silence-" + number : id).setMatchers(matchers)
                .setStartsAt(start.plusMillis(from)).setEndsAt(to == null ? null : start.plusMillis(to))
                .setCreatedBy(createdBy == null ? "gds-rules test" : createdBy)
                .setComment(comment == null ? "rule test" : comment).setCreatedAt(start).build();
        List<String> problems = SilenceValidator.validate(silence);
        problems.forEach(p -> d.error(m.location(), "silence: " + p));
        return problems.isEmpty() ? silence : null;
    }

    /** {@code key}, or promtool's name for it; both at once is an error. */
    private static String alias(YamlMap m, String key, String promtoolKey, Diagnostics d) {
        if (m.has(key) && m.has(promtoolKey)) {
            d.error(m.keyAt(promtoolKey), "'" + promtoolKey + "' and '" + key + "' say the same; keep one");
        }
        String value = m.string(key, false);
        return value != null ? value : m.string(promtoolKey, false);
    }

    private static Selector selector(YamlMap m, Diagnostics d) {
        return new Selector(alias(m, "rule", "alertname", d), m.string("instance_id", false), m.string("metric", false));
    }

    private static TimelineCheck timeline(YamlMap t, Diagnostics d) {
        Map<String, List<Interval>> phases = new LinkedHashMap<>();
        for (String phase : List.of("pending", "firing", "critical", "high", "warning", "info")) {
            Node value = t.node(phase);
            if (value != null) {
                List<Interval> intervals = intervals(t, phase, value, d);
                if (intervals != null) {
                    phases.put(phase, intervals);
                }
            }
        }
        if (phases.isEmpty()) {
            d.error(t.location(), "a timeline_test needs at least one of pending, firing, critical, high, warning, info:"
                    + " e.g. firing: [4m15s, 9m]");
        }
        return new TimelineCheck(selector(t, d), phases, t.location());
    }

    /** {@code [from, to]} (one interval), {@code [[from, to], ...]}, or {@code []}; a missing or {@code open} end is open. */
    private static List<Interval> intervals(YamlMap t, String phase, Node value, Diagnostics d) {
        if (!(value instanceof SequenceNode seq)) {
            d.error(Location.of(t.file(), value), "'" + phase + "' must be an interval [from, to] or a list of them"
                    + " ([[1m, 3m], [5m, open]]); [] = never");
            return null;
        }
        List<Node> items = seq.getValue();
        if (items.isEmpty()) {
            return List.of();
        }
        if (items.get(0) instanceof ScalarNode) {
            Interval one = interval(t, phase, seq, d);
            return one == null ? null : List.of(one);
        }
        List<Interval> out = new ArrayList<>();
        for (Node item : items) {
            if (!(item instanceof SequenceNode inner)) {
                d.error(Location.of(t.file(), item), "each interval of '" + phase + "' is [from, to] or [from, open]");
                return null;
            }
            Interval i = interval(t, phase, inner, d);
            if (i == null) {
                return null;
            }
            out.add(i);
        }
        return out;
    }

    private static Interval interval(YamlMap t, String phase, SequenceNode seq, Diagnostics d) {
        List<Node> ends = seq.getValue();
        if (ends.isEmpty() || ends.size() > 2) {
            d.error(Location.of(t.file(), seq), "an interval of '" + phase + "' is [from, to], [from, open] or [from]");
            return null;
        }
        Long from = offset(t, phase, ends.get(0), false, d);
        Long to = ends.size() == 2 ? offset(t, phase, ends.get(1), true, d) : null;
        if (from == null || (ends.size() == 2 && to == null && !isOpen(ends.get(1)))) {
            return null;
        }
        if (to != null && to < from) {
            d.error(Location.of(t.file(), seq), "an interval of '" + phase + "' ends before it starts");
            return null;
        }
        return new Interval(from, to);
    }

    private static boolean isOpen(Node n) {
        return n instanceof ScalarNode s && (s.getTag().getValue().endsWith(":null") || "open".equals(s.getValue()));
    }

    /** A duration after the start, or null: reported unless {@code openAllowed} and it is open. */
    private static Long offset(YamlMap t, String what, Node n, boolean openAllowed, Diagnostics d) {
        if (openAllowed && isOpen(n)) {
            return null;
        }
        String text = t.scalar(n, what);
        Long ms = null;
        try {
            ms = text == null ? null : Durations.parse(text).toMillis();
        } catch (InvalidDurationException e) {
            // reported below
        }
        if (ms == null && text != null) {
            d.error(Location.of(t.file(), n), "'" + text + "' in '" + what + "' is not a time after the start such as 4m15s"
                    + (openAllowed ? " or open" : ""));
        }
        return ms;
    }

    private static ExpectedIncident incident(YamlMap e, Diagnostics d) {
        Long start = e.node("start") == null ? null : offset(e, "start", e.node("start"), false, d);
        boolean open = e.node("end") != null && isOpen(e.node("end"));
        Long end = e.node("end") == null || open ? null : offset(e, "end", e.node("end"), false, d);
        List<Severity> severities = null;
        if (e.has("severities")) {
            severities = new ArrayList<>();
            for (Node n : e.list("severities")) {
                Severity s = severity(e, e.scalar(n, "severities"), Location.of(e.file(), n), d);
                if (s != null) {
                    severities.add(s);
                }
            }
        }
        return new ExpectedIncident(start, end, open, severities, e.location());
    }

    private static ExpectedNotification notification(YamlMap e, Diagnostics d) {
        Long at = e.node("at") == null ? null : offset(e, "at", e.node("at"), false, d);
        Transition transition = null;
        String tr = e.string("transition", false);
        if (tr != null) {
            try {
                transition = Transition.valueOf(tr.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException x) {
                d.error(e.at("transition"), "unknown transition '" + tr + "'; one of fired, severity_changed, resolved,"
                        + " reminder, escalated");
            }
        }
        Severity severity = severity(e, e.string("severity", false), e.at("severity"), d);
        return new ExpectedNotification(at, transition, severity, e.integer("incident"), e.string("message_id", false),
                e.bool("sent"), e.string("suppressed_by", false), e.string("routing_key", false), e.string("summary", false),
                e.location());
    }

    private static Severity severity(YamlMap e, String text, Location at, Diagnostics d) {
        if (text == null) {
            return null;
        }
        try {
            return Severity.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException x) {
            d.error(at, "unknown severity '" + text + "'; one of critical, high, warning, info");
            return null;
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        out.addAll(b);
        return Set.copyOf(out);
    }

    private static Series series(YamlMap s, long defaultInterval, Diagnostics d) {
        String text = s.string("series", true);
        String values = s.string("values", true);
        Long interval = s.duration("interval", false);
        if (text == null || values == null) {
            return null;
        }
        var m = SERIES.matcher(text);
        if (!m.matches()) {
            d.error(s.at("series"), "series '" + text + "' is not metric_name{label=\"value\", ...}");
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (m.group(2) != null && !m.group(2).isBlank()) {
            var l = LABEL.matcher(m.group(2));
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
        String rule = alias(e, "rule", "alertname", d);
        String instanceId = e.string("instance_id", false);
        String metric = e.string("metric", false);
        String sev = e.string("severity", false);
        Location sevAt = e.at("severity");
        Map<String, String> labels = new LinkedHashMap<>(e.stringMap("labels"));
        // promtool's exp_labels: the alert's identity labels map to its fields, the rest are labels (a subset)
        Map<String, String> promLabels = e.stringMap("exp_labels");
        for (Map.Entry<String, String> l : promLabels.entrySet()) {
            switch (l.getKey()) {
                case "alertname", "rule_id" -> rule = l.getValue();
                case "instance_id" -> instanceId = l.getValue();
                case "metric_name" -> metric = l.getValue();
                case "severity" -> {
                    sev = l.getValue();
                    sevAt = e.at("exp_labels");
                }
                default -> labels.put(l.getKey(), l.getValue());
            }
        }
        String summary = e.string("summary", false);
        String description = e.string("description", false);
        for (Map.Entry<String, String> a : e.stringMap("exp_annotations").entrySet()) {
            switch (a.getKey()) {
                case "summary" -> summary = a.getValue();
                case "description" -> description = a.getValue();
                default -> d.error(e.at("exp_annotations"), "annotation '" + a.getKey() + "' has no counterpart: alerts"
                        + " carry summary and description (runbook_url is a rule field)");
            }
        }
        Severity severity = severity(e, sev, sevAt, d);
        AlertState state = AlertState.FIRING;
        String st = e.string("state", false);
        if (st != null) {
            try {
                state = AlertState.valueOf(st.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException x) {
                d.error(e.at("state"), "unknown state '" + st + "'; one of pending, firing, acknowledged");
            }
        }
        return new Expected(rule, instanceId, metric, severity, state, labels, summary, description, e.location());
    }
}
