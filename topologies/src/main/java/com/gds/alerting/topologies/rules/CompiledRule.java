package com.gds.alerting.topologies.rules;

import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.gds.alerting.avro.ForecastSpec;
import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.OverrideMode;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.RuleOverride;
import com.gds.alerting.avro.Schedule;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.topologies.anomaly.AnomalyDetector;

/**
 * A validated rule, compiled once when it is accepted: regular expressions compiled, levels
 * sorted, schedules and templates parsed. Immutable and shared by every stream thread.
 */
public final class CompiledRule {

    /** An exception for the series its matchers select. */
    public record Override(List<CompiledMatcher> matchers, OverrideMode mode, Levels levels) {
    }

    /**
     * What this rule's firing alerts inhibit on their instance: the target alerts whose labels match
     * {@code targets} and have the source's values for every label in {@code equal}.
     */
    public record Inhibition(List<CompiledMatcher> targets, List<String> equal) {

        /** Whether an alert with {@code targetLabels} is a target (before comparing with a source). */
        public boolean targets(Map<String, String> targetLabels) {
            for (CompiledMatcher m : targets) {
                if (!m.matches(targetLabels)) {
                    return false;
                }
            }
            return true;
        }

        /** Whether source and target have the same value for every label in {@code equal}. */
        public boolean sameValues(Map<String, String> sourceLabels, Map<String, String> targetLabels) {
            for (String label : equal) {
                if (!sourceLabels.getOrDefault(label, "").equals(targetLabels.getOrDefault(label, ""))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The layers of a rule compiled outside a topology (a rule read back, a CLI check): none, never written. */
    private static final TenantBook NO_LAYERS = new TenantBook();

    private final Rule source;
    private final TenantBook layers;
    private final List<CompiledMatcher> matchers;
    private final String indexedInstance;
    private final Levels defaults;
    private final List<Override> overrides;
    private final List<ScheduleWindow> schedules;
    private final Template summary;
    private final Template description;
    private final List<String> metricNames;
    private final WindowSpecs window;
    private final SloSpecs slo;
    private final List<Inhibition> inhibitions;
    private final List<String> by;
    private final AnomalyDetector anomaly;
    private final ExprSpecs expr;

    private CompiledRule(Rule source, TenantBook layers) {
        this.source = source;
        this.layers = layers;
        this.by = SeriesBy.sorted(source);
        this.window = source.getKind() == RuleKind.WINDOW ? WindowSpecs.of(source.getWindow()) : null;
        this.slo = source.getKind() == RuleKind.SLO ? SloSpecs.of(source.getSlo()) : null;
        this.anomaly = source.getKind() == RuleKind.ANOMALY
                ? new AnomalyDetector(AnomalyDetector.Settings.of(source.getAnomaly())) : null;
        this.expr = source.getKind() == RuleKind.EXPR ? ExprSpecs.of(source.getExpr()) : null;
        if (expr != null) {
            this.metricNames = expr.metricNames();
        } else {
            this.metricNames = slo != null && slo.counterMetric() != null
                    ? List.of(source.getSelector().getMetricName(), slo.counterMetric())
                    : List.of(source.getSelector().getMetricName());
        }
        List<CompiledMatcher> compiled = new ArrayList<>();
        String instance = null;
        for (Matcher m : source.getSelector().getMatchers()) {
            compiled.add(CompiledMatcher.of(m));
            if (m.getOp() == MatchOp.EQ && m.getLabel().equals("instance_id")) {
                instance = m.getValue();
            }
        }
        this.matchers = List.copyOf(compiled);
        this.indexedInstance = instance;
        this.defaults = Levels.of(source.getConditions());
        List<Override> overrideList = new ArrayList<>();
        for (RuleOverride o : source.getOverrides()) {
            overrideList.add(new Override(o.getMatchers().stream().map(CompiledMatcher::of).toList(), o.getMode(),
                    o.getMode() == OverrideMode.CUSTOM ? Levels.of(o.getConditions()) : null));
        }
        this.overrides = List.copyOf(overrideList);
        List<ScheduleWindow> windows = new ArrayList<>();
        for (Schedule s : source.getSchedules()) {
            windows.add(new ScheduleWindow(ZoneId.of(s.getTimeZone()), ScheduleWindow.days(s.getDays()),
                    LocalTime.parse(s.getStart()), LocalTime.parse(s.getEnd()), Levels.of(s.getConditions())));
        }
        this.schedules = List.copyOf(windows);
        this.summary = Template.parse(source.getSummary());
        this.description = Template.parse(source.getDescription());
        this.inhibitions = source.getInhibits().stream()
                .map(i -> new Inhibition(i.getTargetMatchers().stream().map(CompiledMatcher::of).toList(),
                        List.copyOf(i.getEqual())))
                .toList();
    }

    /**
     * Compiles a rule that {@link RuleValidator} accepted.
     *
     * @throws IllegalArgumentException when it does not validate
     */
    public static CompiledRule compile(Rule rule) {
        return compile(rule, NO_LAYERS);
    }

    /**
     * Compiles a rule whose levels the platform's and the tenants' settings in {@code layers} take part in
     * ({@link #levelsAt}); the topology's rule table compiles with its {@link RuleBook#tenants()}.
     *
     * @throws IllegalArgumentException when it does not validate
     */
    public static CompiledRule compile(Rule rule, TenantBook layers) {
        List<String> problems = RuleValidator.validate(rule);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("rule '" + rule.getRuleId() + "' is invalid: " + String.join("; ", problems));
        }
        return new CompiledRule(rule, layers);
    }

    public Rule source() {
        return source;
    }

    public String ruleId() {
        return source.getRuleId();
    }

    public boolean enabled() {
        return source.getEnabled();
    }

    public RuleKind kind() {
        return source.getKind();
    }

    /** The selector's metric name: the metric of the rule's alert keys. */
    public String metricName() {
        return source.getSelector().getMetricName();
    }

    /**
     * Every metric name the rule reads: the selector's, plus the good or bad counter of a RATIO
     * SLO (whose total counter is the selector's metric), or every metric an EXPR rule's expression
     * selects. The rule book indexes the rule under each.
     */
    public List<String> metricNames() {
        return metricNames;
    }

    /**
     * The tags whose values tell this rule's series apart, sorted by name; empty (most rules): one
     * alert per instance and metric. See {@link SeriesBy}.
     */
    public List<String> by() {
        return by;
    }

    /** What this rule's firing alerts inhibit (empty for most rules). */
    public List<Inhibition> inhibitions() {
        return inhibitions;
    }

    /** The window of a WINDOW rule, else {@code null}. */
    public WindowSpecs window() {
        return window;
    }

    /** The parsed expression(s) of an EXPR rule, else {@code null}. */
    public ExprSpecs expr() {
        return expr;
    }

    /** The SLO of an SLO rule, else {@code null}. */
    public SloSpecs slo() {
        return slo;
    }

    /** The detector of an ANOMALY rule (its settings, defaults applied), else {@code null}. */
    public AnomalyDetector anomaly() {
        return anomaly;
    }

    /** The forecast of a FORECAST rule, else {@code null}. */
    public ForecastSpec forecast() {
        return source.getForecast();
    }

    /** The severity of an ABSENCE rule's alert, else {@code null}. */
    public Severity absenceSeverity() {
        return source.getAbsence() == null ? null : source.getAbsence().getSeverity();
    }

    /** An ABSENCE rule's own retention ({@code forget_after_ms}), else {@code null}: the topology's applies. */
    public Long forgetAfterMs() {
        return source.getAbsence() == null ? null : source.getAbsence().getForgetAfterMs();
    }

    /**
     * Whether the rule is switched off for {@code series}: by the platform's or the series' tenant's
     * settings ({@link TenantBook#disables}), or by an override in DISABLED mode.
     */
    public boolean disabledFor(Series series) {
        if (layers.disables(source.getRuleId(), series)) {
            return true;
        }
        for (Override o : overrides) {
            if (o.matchers().stream().allMatch(m -> m.matches(series))) {
                return o.mode() == OverrideMode.DISABLED;
            }
        }
        return false;
    }

    /** The instance an {@code instance_id="..."} matcher pins the rule to, for the index; else {@code null}. */
    public String indexedInstance() {
        return indexedInstance;
    }

    /**
     * Whether the selector (metric name and every matcher) selects the series. For an EXPR rule, whose
     * matchers are on the instance only (instance_id, database_type, environment): whether the rule
     * applies to the series' instance — the rule book hands it only samples of the metrics its
     * expression reads, and its alerts' series carry the result's name.
     */
    public boolean selects(Series series) {
        if (expr == null && !metricNames.contains(series.metricName())) {
            return false;
        }
        for (CompiledMatcher m : matchers) {
            if (!m.matches(series)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The levels in force for a sample of {@code series} at {@code epochMillis}: what the platform's
     * and the series' tenant's settings say ({@link TenantBook#levels}: a fixed platform setting, the
     * tenant's maintenance, the tenant's setting, the platform's); when they say nothing, the first
     * override whose matchers all match decides (CUSTOM: its conditions, DISABLED: none, DEFAULT:
     * as if there were no override); otherwise the first schedule that contains the time,
     * otherwise the rule's conditions.
     */
    public Levels levelsAt(Series series, long epochMillis) {
        Levels layered = layers.levels(source.getRuleId(), series, epochMillis);
        if (layered != null) {
            return layered;
        }
        for (Override o : overrides) {
            if (o.matchers().stream().allMatch(m -> m.matches(series))) {
                switch (o.mode()) {
                    case DISABLED:
                        return Levels.DISABLED;
                    case CUSTOM:
                        return o.levels();
                    default:
                        return scheduled(epochMillis);
                }
            }
        }
        return scheduled(epochMillis);
    }

    private Levels scheduled(long epochMillis) {
        for (ScheduleWindow window : schedules) {
            if (window.contains(epochMillis)) {
                return window.levels();
            }
        }
        return defaults;
    }

    public long forMs() {
        return source.getForMs();
    }

    /**
     * The pending period of the lifecycle: {@code for_ms}, except for ABSENCE rules, whose
     * {@code for_ms} is the silence that makes the alert fire (it then fires at once).
     */
    public long pendingMs() {
        return source.getKind() == RuleKind.ABSENCE ? 0 : source.getForMs();
    }

    public long keepFiringForMs() {
        return source.getKeepFiringForMs();
    }

    public boolean sendResolved() {
        return source.getSendResolved();
    }

    public Long repeatIntervalMs() {
        return source.getRepeatIntervalMs();
    }

    public Long escalateAfterMs() {
        return source.getEscalateAfterMs();
    }

    public Severity escalateToSeverity() {
        return source.getEscalateToSeverity();
    }

    public String escalateRoutingKey() {
        return source.getEscalateRoutingKey();
    }

    public Template summary() {
        return summary;
    }

    public Template description() {
        return description;
    }

    public String runbookUrl() {
        return source.getRunbookUrl();
    }

    public Map<String, String> labels() {
        return source.getLabels();
    }

    public String routingKey() {
        return source.getRoutingKey();
    }

    /** A shadow rule: evaluated like a live one, its transitions go to the shadow topic and never notify or inhibit. */
    public boolean shadow() {
        return source.getShadow();
    }

    /** The live rule a shadow rule would replace, or {@code null}. */
    public String shadowOf() {
        return source.getShadowOf();
    }
}
