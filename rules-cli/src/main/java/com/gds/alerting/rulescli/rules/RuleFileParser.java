package com.gds.alerting.rulescli.rules;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

import com.gds.alerting.avro.AbsenceSpec;
import com.gds.alerting.avro.Aggregation;
import com.gds.alerting.avro.AnomalyAlgorithm;
import com.gds.alerting.avro.AnomalyDirection;
import com.gds.alerting.avro.AnomalySeasonality;
import com.gds.alerting.avro.AnomalySpec;
import com.gds.alerting.avro.BurnWindow;
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.ForecastSpec;
import com.gds.alerting.avro.Inhibition;
import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.OverrideMode;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.RuleOverride;
import com.gds.alerting.avro.Schedule;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.SliKind;
import com.gds.alerting.avro.SloSpec;
import com.gds.alerting.avro.WindowSpec;
import com.gds.alerting.avro.WindowType;
import com.gds.alerting.avro.Weekday;
import com.gds.alerting.rulescli.yaml.Diagnostics;
import com.gds.alerting.rulescli.yaml.Location;
import com.gds.alerting.rulescli.yaml.YamlMap;
import com.gds.alerting.rulescli.yaml.YamlSource;

/**
 * Maps a YAML rule file (a top-level {@code rules:} list, one or more documents) to {@link Rule}
 * records. Only the shape is checked here (types, names, durations, operators); what a rule means
 * (ordering of thresholds, recovery side, regexes, time zones, templates) is the topology's
 * {@code RuleValidator}'s job, run by {@link RuleChecker}.
 */
public final class RuleFileParser {

    static final Set<String> FILE_KEYS = Set.of("rules");
    static final Set<String> RULE_KEYS = orderedSet("id", "kind", "enabled", "metric", "match", "by", "severities", "for",
            "keep_firing_for", "overrides", "schedules", "window", "slo", "absence", "anomaly", "forecast", "send_resolved",
            "repeat_interval",
            "escalate_after", "escalate_to", "escalate_routing_key", "summary", "description", "runbook", "labels",
            "routing_key", "inhibits", "shadow", "shadow_of", ExprField.KEY);
    static final Set<String> LEVEL_KEYS = orderedSet("when", "recovery");
    static final Set<String> OVERRIDE_KEYS = orderedSet("match", "mode", "severities");
    static final Set<String> SCHEDULE_KEYS = orderedSet("time_zone", "days", "start", "end", "severities");
    static final Set<String> WINDOW_KEYS = orderedSet("aggregation", "type", "size", "advance", "grace");
    static final Set<String> SLO_KEYS = orderedSet("sli", "good_metric", "bad_metric", "total_metric", "good", "objective",
            "period", "burn_windows", "min_events");
    static final Set<String> BURN_KEYS = orderedSet("severity", "long", "short", "burn_rate");
    static final Set<String> ABSENCE_KEYS = orderedSet("severity", "forget_after");
    static final Set<String> ANOMALY_KEYS = orderedSet("algorithm", "seasonality", "time_zone", "bounds", "recovery_bounds",
            "direction", "min_deviation", "min_history", "confirm", "severity");
    static final Set<String> FORECAST_KEYS = orderedSet("crosses", "window", "horizon", "min_samples", "severity");
    static final Set<String> INHIBIT_KEYS = orderedSet("target_match", "equal");

    /** {@code label OP value}; the value may be quoted. */
    private static final Pattern MATCHER = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*(=~|!~|!=|==|=)\\s*(.*?)\\s*");
    private static final Pattern WHEN = Pattern.compile("\\s*(>=|<=|==|!=|>|<)\\s*(\\S+)\\s*");

    private RuleFileParser() {
    }

    /** A matcher written {@code label OP value} (OP one of =, !=, =~, !~; the value may be quoted), or null. */
    public static Matcher matcher(String text) {
        var m = MATCHER.matcher(text);
        if (!m.matches()) {
            return null;
        }
        MatchOp op = switch (m.group(2)) {
            case "!=" -> MatchOp.NEQ;
            case "=~" -> MatchOp.RE;
            case "!~" -> MatchOp.NRE;
            default -> MatchOp.EQ;
        };
        return new Matcher(m.group(1), op, unquote(m.group(3)));
    }

    /** The rules of {@code file} ({@code name} is how messages name it); problems go to {@code diagnostics}. */
    public static List<ParsedRule> parse(Path file, String name, Diagnostics diagnostics) {
        List<ParsedRule> rules = new ArrayList<>();
        List<String> lines = readLines(file);
        for (YamlMap doc : YamlSource.documents(file, name, FILE_KEYS, diagnostics)) {
            if (!doc.has("rules")) {
                diagnostics.error(doc.location(), "a rule file holds a top-level 'rules:' list");
                continue;
            }
            for (Node item : doc.list("rules")) {
                YamlMap rule = doc.child(item, "a rule", RULE_KEYS);
                if (rule != null) {
                    rules.add(new RuleMapping(rule, lines).build());
                }
            }
        }
        return rules;
    }

    /** The file's lines, to place errors inside block scalars; empty when it cannot be read again. */
    private static List<String> readLines(Path file) {
        try {
            return java.nio.file.Files.readAllLines(file);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    private static Set<String> orderedSet(String... names) {
        return java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(List.of(names)));
    }

    /** One rule mapping being turned into a record, remembering where each field was. */
    static final class RuleMapping {
        private final YamlMap map;
        private final List<String> lines;
        private final Diagnostics d;
        private final Map<String, Location> paths = new HashMap<>();
        private boolean broken;

        RuleMapping(YamlMap map, List<String> lines) {
            this.map = map;
            this.lines = lines;
            this.d = map.diagnostics();
        }

        /** Where each field read so far was written (Avro path to location). */
        Map<String, Location> paths() {
            return paths;
        }

        /** Whether a field failed to parse. */
        boolean broken() {
            return broken;
        }

        ParsedRule build() {
            int before = d.errors().size();
            String id = map.string("id", true);
            paths.put("rule_id", map.at("id"));
            Rule.Builder b = Rule.newBuilder();
            b.setRuleId(id == null ? "" : id);
            // An expression names its metrics in its selectors.
            String metric = map.string("metric", !map.has(ExprField.KEY));
            paths.put("selector.metric_name", map.at("metric"));
            List<Matcher> selectorMatchers = matchers(map, "match", "selector.matchers");
            b.setSelector(new Selector(metric == null ? "" : metric, selectorMatchers));
            String databaseType = selectorMatchers.stream()
                    .filter(m -> m.getLabel().equals("database_type") && m.getOp() == MatchOp.EQ)
                    .map(Matcher::getValue).findFirst().orElse(null);
            b.setExpr(ExprField.parse(map, lines, d, paths, databaseType));
            if (map.has(ExprField.KEY) && b.getExpr() == null) {
                broken = true;
            }
            b.setBy(by());
            b.setConditions(levels(map, "severities", "conditions"));
            paths.put("conditions", map.keyAt("severities"));
            Boolean enabled = map.bool("enabled");
            b.setEnabled(enabled == null || enabled);
            b.setForMs(duration("for", "for_ms", 0L));
            b.setKeepFiringForMs(duration("keep_firing_for", "keep_firing_for_ms", 0L));
            b.setOverrides(overrides());
            paths.put("overrides", map.has("overrides") ? map.keyAt("overrides") : map.location());
            b.setSchedules(schedules());
            paths.put("schedules", map.has("schedules") ? map.keyAt("schedules") : map.location());
            b.setWindow(window());
            b.setSlo(slo());
            b.setAbsence(absence());
            b.setAnomaly(anomaly());
            b.setForecast(forecast());
            if (!map.has("for") && map.has("absence")) {
                paths.put("for_ms", map.at("absence")); // an absence rule without 'for': the block that needs it
            }
            b.setKind(kind(b));
            paths.put("kind", map.has("kind") ? map.at("kind") : map.location());
            for (String block : List.of("window", "slo", "absence", "anomaly", "forecast")) {
                // "a WINDOW rule needs its window spec": the block is missing, so point at the kind that asks for it.
                paths.putIfAbsent(block, paths.get("kind"));
            }
            Boolean sendResolved = map.bool("send_resolved");
            b.setSendResolved(sendResolved == null || sendResolved);
            b.setRepeatIntervalMs(duration("repeat_interval", "repeat_interval_ms", null));
            b.setEscalateAfterMs(duration("escalate_after", "escalate_after_ms", null));
            b.setEscalateToSeverity(severity(map, "escalate_to", false));
            // "escalate_after is set but no target" is about a key that is absent: point at escalate_after.
            paths.put("escalate_to_severity", map.has("escalate_to") ? map.at("escalate_to") : map.at("escalate_after"));
            b.setEscalateRoutingKey(map.string("escalate_routing_key", false));
            paths.put("escalate_routing_key", map.at("escalate_routing_key"));
            b.setSummary(map.string("summary", false));
            paths.put("summary", map.at("summary"));
            b.setDescription(map.string("description", false));
            paths.put("description", map.at("description"));
            b.setRunbookUrl(map.string("runbook", false));
            b.setLabels(map.stringMap("labels"));
            b.setRoutingKey(map.string("routing_key", false));
            b.setInhibits(inhibits());
            Boolean shadow = map.bool("shadow");
            b.setShadow(shadow != null && shadow);
            paths.put("shadow", map.has("shadow") ? map.at("shadow") : map.location());
            b.setShadowOf(map.string("shadow_of", false));
            paths.put("shadow_of", map.at("shadow_of"));
            Location at = map.location();
            b.setSource(at.file() + ":" + at.line());
            boolean complete = !broken && d.errors().size() == before;
            return new ParsedRule(b.build(), at, Map.copyOf(paths), complete);
        }

        private Long duration(String key, String path, Long absent) {
            paths.put(path, map.at(key));
            Long ms = map.duration(key, false);
            return ms == null ? absent : ms;
        }

        private RuleKind kind(Rule.Builder b) {
            String text = map.string("kind", false);
            if (text != null) {
                try {
                    return RuleKind.valueOf(text.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    d.error(map.at("kind"), "unknown kind '" + text + "'; one of threshold, window, slo, absence, anomaly,"
                            + " forecast, expr");
                    broken = true;
                }
            }
            // The block that is present says what kind of rule this is, so 'kind' is optional.
            if (b.getWindow() != null) {
                return RuleKind.WINDOW;
            }
            if (b.getSlo() != null) {
                return RuleKind.SLO;
            }
            if (b.getAbsence() != null) {
                return RuleKind.ABSENCE;
            }
            if (b.getAnomaly() != null) {
                return RuleKind.ANOMALY;
            }
            if (b.getForecast() != null) {
                return RuleKind.FORECAST;
            }
            if (map.has(ExprField.KEY)) {
                return RuleKind.EXPR;
            }
            return RuleKind.THRESHOLD;
        }

        List<Matcher> matchers(YamlMap in, String key, String path) {
            List<Matcher> out = new ArrayList<>();
            List<Node> items = in.list(key);
            for (int i = 0; i < items.size(); i++) {
                Node item = items.get(i);
                String text = in.scalar(item, key);
                Location at = Location.of(in.file(), item);
                if (text == null) {
                    continue;
                }
                Matcher parsed = matcher(text);
                if (parsed == null) {
                    d.error(at, "matcher '" + text + "' is not 'label OP value' with OP one of =, !=, =~, !~"
                            + " (e.g. database_type = postgresql, instance_id =~ \"pg-prod-.*\")");
                    broken = true;
                    continue;
                }
                String p = path + "[" + out.size() + "]";
                paths.put(p, at);
                out.add(parsed);
            }
            paths.putIfAbsent(path, in.at(key));
            return out;
        }

        List<Condition> levels(YamlMap in, String key, String path) {
            List<Condition> out = new ArrayList<>();
            for (NodeTuple t : in.tuples(key)) {
                String sevText = in.scalar(t.getKeyNode(), key);
                Location sevAt = Location.of(in.file(), t.getKeyNode());
                Severity severity = severityOf(sevText, sevAt);
                String p = path + "[" + out.size() + "]";
                paths.put(p, sevAt);
                paths.put(p + ".severity", sevAt);
                Node value = t.getValueNode();
                String when;
                Double recovery = null;
                Location whenAt = Location.of(in.file(), value);
                if (value instanceof org.yaml.snakeyaml.nodes.ScalarNode) {
                    when = in.scalar(value, sevText);
                } else {
                    YamlMap level = in.child(value, "severity '" + sevText + "'", LEVEL_KEYS);
                    if (level == null) {
                        broken = true;
                        continue;
                    }
                    when = level.string("when", true);
                    whenAt = level.at("when");
                    recovery = level.number("recovery", false);
                    paths.put(p + ".recovery_threshold", level.at("recovery"));
                }
                paths.put(p + ".threshold", whenAt);
                paths.put(p + ".op", whenAt);
                if (when == null || severity == null) {
                    broken = true;
                    continue;
                }
                var m = WHEN.matcher(when);
                Double threshold = m.matches() ? YamlMap.parseNumber(m.group(2)) : null;
                if (threshold == null) {
                    d.error(whenAt, "'" + when + "' is not 'OP number' with OP one of >, >=, <, <=, ==, != (e.g. '> 0.9')");
                    broken = true;
                    continue;
                }
                out.add(new Condition(severity, op(m.group(1)), threshold, recovery));
            }
            return out;
        }

        private Severity severityOf(String text, Location at) {
            if (text == null) {
                return null;
            }
            try {
                return Severity.valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                d.error(at, "unknown severity '" + text + "'; one of critical, high, warning, info");
                broken = true;
                return null;
            }
        }

        private Severity severity(YamlMap in, String key, boolean required) {
            String text = in.string(key, required);
            return text == null ? null : severityOf(text, in.at(key));
        }

        /** {@code by: [database, member]}: the tags that tell the selected metric's series apart (one alert per series). */
        private List<String> by() {
            paths.put("by", map.has("by") ? map.at("by") : map.location());
            List<String> out = new ArrayList<>();
            for (Node tag : map.list("by")) {
                String text = map.scalar(tag, "by");
                paths.put("by[" + out.size() + "]", Location.of(map.file(), tag));
                out.add(text == null ? "" : text);
            }
            return out;
        }

        /** {@code inhibits: [{target_match: [...], equal: [...]}]}: what this rule's firing alerts keep quiet on their instance. */
        private List<Inhibition> inhibits() {
            List<Inhibition> out = new ArrayList<>();
            for (Node item : map.list("inhibits")) {
                String p = "inhibits[" + out.size() + "]";
                YamlMap i = map.child(item, "an inhibition", INHIBIT_KEYS);
                if (i == null) {
                    broken = true;
                    continue;
                }
                paths.put(p, i.location());
                List<Matcher> targets = matchers(i, "target_match", p + ".target_matchers");
                List<String> equal = new ArrayList<>();
                for (Node label : i.list("equal")) {
                    String text = i.scalar(label, "equal");
                    paths.put(p + ".equal[" + equal.size() + "]", Location.of(i.file(), label));
                    equal.add(text == null ? "" : text);
                }
                out.add(new Inhibition(targets, equal));
            }
            return out;
        }

        private List<RuleOverride> overrides() {
            List<RuleOverride> out = new ArrayList<>();
            for (Node item : map.list("overrides")) {
                String p = "overrides[" + out.size() + "]";
                YamlMap o = map.child(item, "an override", OVERRIDE_KEYS);
                if (o == null) {
                    broken = true;
                    continue;
                }
                paths.put(p, o.location());
                List<Matcher> matchers = matchers(o, "match", p + ".matchers");
                List<Condition> conditions = levels(o, "severities", p + ".conditions");
                paths.put(p + ".conditions", o.has("severities") ? o.keyAt("severities") : o.location());
                String modeText = o.string("mode", false);
                // Left out, the mode is custom: a problem with it is then about the override's severities.
                paths.put(p + ".mode", o.has("mode") ? o.at("mode") : o.has("severities") ? o.keyAt("severities") : o.location());
                OverrideMode mode;
                if (modeText == null) {
                    // Leaving mode out is the common case: the override gives its own severities.
                    mode = OverrideMode.CUSTOM;
                } else {
                    try {
                        mode = OverrideMode.valueOf(modeText.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        d.error(o.at("mode"), "unknown override mode '" + modeText + "'; one of custom, default, disabled");
                        broken = true;
                        continue;
                    }
                }
                out.add(new RuleOverride(matchers, mode, conditions));
            }
            return out;
        }

        List<Schedule> schedules() {
            List<Schedule> out = new ArrayList<>();
            for (Node item : map.list("schedules")) {
                String p = "schedules[" + out.size() + "]";
                YamlMap s = map.child(item, "a schedule", SCHEDULE_KEYS);
                if (s == null) {
                    broken = true;
                    continue;
                }
                paths.put(p, s.location());
                String zone = s.string("time_zone", true);
                paths.put(p + ".time_zone", s.at("time_zone"));
                String start = s.string("start", true);
                paths.put(p + ".start", s.at("start"));
                String end = s.string("end", true);
                paths.put(p + ".end", s.at("end"));
                List<Weekday> days = new ArrayList<>();
                for (Node day : s.list("days")) {
                    String text = s.scalar(day, "days");
                    Weekday w = text == null ? null : weekday(text);
                    if (w == null) {
                        d.error(Location.of(s.file(), day), "unknown day '" + text + "'; use monday..sunday or mon..sun");
                        broken = true;
                    } else {
                        days.add(w);
                    }
                }
                List<Condition> conditions = levels(s, "severities", p + ".conditions");
                paths.put(p + ".conditions", s.has("severities") ? s.keyAt("severities") : s.location());
                out.add(new Schedule(zone == null ? "" : zone, days, start == null ? "" : start, end == null ? "" : end,
                        conditions));
            }
            return out;
        }

        private static Weekday weekday(String text) {
            String t = text.toUpperCase(Locale.ROOT);
            for (Weekday w : Weekday.values()) {
                if (w.name().equals(t) || (t.length() == 3 && w.name().startsWith(t))) {
                    return w;
                }
            }
            return null;
        }

        private WindowSpec window() {
            YamlMap w = map.map("window", "the window", WINDOW_KEYS);
            if (w == null) {
                return null;
            }
            paths.put("window", w.location());
            paths.put("window.aggregation", w.at("aggregation"));
            paths.put("window.type", w.at("type"));
            paths.put("window.size_ms", w.at("size"));
            // "advance must divide size" is about the advance when written, else about the size it defaults from.
            paths.put("window.advance_ms", w.has("advance") ? w.at("advance") : w.at("size"));
            paths.put("window.grace_ms", w.at("grace"));
            Aggregation aggregation = enumOf(Aggregation.class, w, "aggregation", true);
            WindowType type = enumOf(WindowType.class, w, "type", false);
            Long size = w.duration("size", true);
            Long advance = w.duration("advance", false);
            Long grace = w.duration("grace", false);
            if (aggregation == null || size == null) {
                broken = true;
                return null;
            }
            return new WindowSpec(aggregation, type == null ? (advance == null ? WindowType.TUMBLING : WindowType.HOPPING) : type,
                    size, advance, grace == null ? 0L : grace);
        }

        private SloSpec slo() {
            YamlMap s = map.map("slo", "the slo", SLO_KEYS);
            if (s == null) {
                return null;
            }
            paths.put("slo", s.location());
            paths.put("slo.sli", s.at("sli"));
            paths.put("slo.objective", s.at("objective"));
            paths.put("slo.period_ms", s.at("period"));
            paths.put("slo.min_events", s.at("min_events"));
            paths.put("slo.total_metric", s.at("total_metric"));
            paths.put("slo.burn_windows", s.has("burn_windows") ? s.keyAt("burn_windows") : s.location());
            // RuleValidator names some problems after a pair of fields: point at the one written.
            paths.put("slo.good_op/good_threshold", s.has("good") ? s.at("good") : s.at("sli"));
            String counter = s.has("good_metric") ? "good_metric" : s.has("bad_metric") ? "bad_metric" : null;
            paths.put("slo.good_metric/bad_metric", counter != null ? s.at(counter) : s.at("sli"));
            paths.put("slo.good_metric/bad_metric/total_metric", counter != null ? s.at(counter)
                    : s.has("total_metric") ? s.at("total_metric") : s.at("sli"));
            SliKind sli = enumOf(SliKind.class, s, "sli", true);
            Double objective = s.number("objective", true);
            Long period = s.duration("period", true);
            Comparison goodOp = null;
            Double goodThreshold = null;
            String good = s.string("good", false);
            if (good != null) {
                var m = WHEN.matcher(good);
                goodThreshold = m.matches() ? YamlMap.parseNumber(m.group(2)) : null;
                if (goodThreshold == null) {
                    d.error(s.at("good"), "'" + good + "' is not 'OP number' (e.g. '== 1' for up)");
                    broken = true;
                } else {
                    goodOp = op(m.group(1));
                }
            }
            List<BurnWindow> burns = new ArrayList<>();
            for (Node item : s.list("burn_windows")) {
                YamlMap bw = s.child(item, "a burn window", BURN_KEYS);
                if (bw == null) {
                    broken = true;
                    continue;
                }
                String p = "slo.burn_windows[" + burns.size() + "]";
                paths.put(p, bw.location());
                paths.put(p + ".severity", bw.at("severity"));
                paths.put(p + ".long_window_ms", bw.at("long"));
                paths.put(p + ".short_window_ms", bw.at("short"));
                paths.put(p + ".burn_rate", bw.at("burn_rate"));
                Severity sev = severity(bw, "severity", true);
                Long longW = bw.duration("long", true);
                Long shortW = bw.duration("short", true);
                Double rate = bw.number("burn_rate", true);
                if (sev != null && longW != null && shortW != null && rate != null) {
                    burns.add(new BurnWindow(sev, longW, shortW, rate));
                } else {
                    broken = true;
                }
            }
            Long minEvents = s.integer("min_events");
            if (sli == null || objective == null || period == null) {
                broken = true;
                return null;
            }
            return new SloSpec(sli, s.string("good_metric", false), s.string("bad_metric", false),
                    s.string("total_metric", false), goodOp, goodThreshold, objective, period, burns,
                    minEvents == null ? 0L : minEvents);
        }

        private AbsenceSpec absence() {
            YamlMap a = map.map("absence", "the absence", ABSENCE_KEYS);
            if (a == null) {
                return null;
            }
            paths.put("absence", a.location());
            paths.put("absence.severity", a.at("severity"));
            paths.put("absence.forget_after_ms", a.at("forget_after"));
            Severity sev = severity(a, "severity", true);
            if (sev == null) {
                broken = true;
                return null;
            }
            return new AbsenceSpec(sev, a.duration("forget_after", false));
        }

        private AnomalySpec anomaly() {
            YamlMap a = map.map("anomaly", "the anomaly", ANOMALY_KEYS);
            if (a == null) {
                return null;
            }
            paths.put("anomaly", a.location());
            for (String[] key : new String[][] {{"time_zone", "time_zone"}, {"bounds", "bounds"},
                    {"recovery_bounds", "recovery_bounds"}, {"min_deviation", "min_deviation"},
                    {"min_history", "min_history_ms"}, {"confirm", "confirm_samples"}}) {
                paths.put("anomaly." + key[1], a.at(key[0]));
            }
            AnomalySpec.Builder spec = AnomalySpec.newBuilder();
            AnomalyAlgorithm algorithm = enumOf(AnomalyAlgorithm.class, a, "algorithm", false);
            if (algorithm != null) {
                spec.setAlgorithm(algorithm);
            }
            AnomalySeasonality seasonality = enumOf(AnomalySeasonality.class, a, "seasonality", false);
            if (seasonality != null) {
                spec.setSeasonality(seasonality);
            }
            AnomalyDirection direction = enumOf(AnomalyDirection.class, a, "direction", false);
            if (direction != null) {
                spec.setDirection(direction);
            }
            String zone = a.string("time_zone", false);
            if (zone != null) {
                spec.setTimeZone(zone);
            }
            Double bounds = a.number("bounds", false);
            if (bounds != null) {
                spec.setBounds(bounds);
            }
            spec.setRecoveryBounds(a.number("recovery_bounds", false));
            Double floor = a.number("min_deviation", false);
            if (floor != null) {
                spec.setMinDeviation(floor);
            }
            spec.setMinHistoryMs(a.duration("min_history", false));
            Long confirm = a.integer("confirm");
            if (confirm != null) {
                spec.setConfirmSamples((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, confirm)));
            }
            Severity sev = severity(a, "severity", false);
            if (sev != null) {
                spec.setSeverity(sev);
            }
            return spec.build();
        }

        private ForecastSpec forecast() {
            YamlMap f = map.map("forecast", "the forecast", FORECAST_KEYS);
            if (f == null) {
                return null;
            }
            paths.put("forecast", f.location());
            paths.put("forecast.limit", f.at("crosses"));
            paths.put("forecast.op", f.at("crosses"));
            paths.put("forecast.window_ms", f.at("window"));
            paths.put("forecast.horizon_ms", f.at("horizon"));
            paths.put("forecast.min_samples", f.at("min_samples"));
            String crosses = f.string("crosses", true);
            Long window = f.duration("window", true);
            Long horizon = f.duration("horizon", true);
            Comparison op = null;
            Double limit = null;
            if (crosses != null) {
                var m = WHEN.matcher(crosses);
                limit = m.matches() ? YamlMap.parseNumber(m.group(2)) : null;
                if (limit == null) {
                    d.error(f.at("crosses"), "'" + crosses + "' is not 'OP number' with OP one of >, >=, <, <= (e.g. '< 0'"
                            + " for a disk that fills, '> 0.9' for a ratio that grows)");
                } else {
                    op = op(m.group(1));
                }
            }
            if (op == null || window == null || horizon == null) {
                broken = true;
                return null;
            }
            ForecastSpec.Builder spec = ForecastSpec.newBuilder().setLimit(limit).setOp(op).setWindowMs(window)
                    .setHorizonMs(horizon);
            Long minSamples = f.integer("min_samples");
            if (minSamples != null) {
                spec.setMinSamples((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, minSamples)));
            }
            Severity sev = severity(f, "severity", false);
            if (sev != null) {
                spec.setSeverity(sev);
            }
            return spec.build();
        }

        private <E extends Enum<E>> E enumOf(Class<E> type, YamlMap in, String key, boolean required) {
            String text = in.string(key, required);
            if (text == null) {
                return null;
            }
            try {
                return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                d.error(in.at(key), "unknown " + key + " '" + text + "'; one of "
                        + java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
                broken = true;
                return null;
            }
        }
    }

    static Comparison op(String symbol) {
        return switch (symbol) {
            case ">" -> Comparison.GT;
            case ">=" -> Comparison.GTE;
            case "<" -> Comparison.LT;
            case "<=" -> Comparison.LTE;
            case "==" -> Comparison.EQ;
            default -> Comparison.NEQ;
        };
    }

    static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
