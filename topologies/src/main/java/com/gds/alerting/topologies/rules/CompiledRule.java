package com.gds.alerting.topologies.rules;

import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.OverrideMode;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleOverride;
import com.gds.alerting.avro.Schedule;
import com.gds.alerting.avro.Severity;

/**
 * A validated rule, compiled once when it is accepted: regular expressions compiled, levels
 * sorted, schedules and templates parsed. Immutable and shared by every stream thread.
 */
public final class CompiledRule {

    /** An exception for the series its matchers select. */
    public record Override(List<CompiledMatcher> matchers, OverrideMode mode, Levels levels) {
    }

    private final Rule source;
    private final List<CompiledMatcher> matchers;
    private final String indexedInstance;
    private final Levels defaults;
    private final List<Override> overrides;
    private final List<ScheduleWindow> schedules;
    private final Template summary;
    private final Template description;

    private CompiledRule(Rule source) {
        this.source = source;
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
    }

    /**
     * Compiles a rule that {@link RuleValidator} accepted.
     *
     * @throws IllegalArgumentException when it does not validate
     */
    public static CompiledRule compile(Rule rule) {
        List<String> problems = RuleValidator.validate(rule);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("rule '" + rule.getRuleId() + "' is invalid: " + String.join("; ", problems));
        }
        return new CompiledRule(rule);
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

    public String metricName() {
        return source.getSelector().getMetricName();
    }

    /** The instance an {@code instance_id="..."} matcher pins the rule to, for the index; else {@code null}. */
    public String indexedInstance() {
        return indexedInstance;
    }

    /** Whether the selector (metric name and every matcher) selects the series. */
    public boolean selects(Series series) {
        if (!series.metricName().equals(metricName())) {
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
     * The levels in force for a sample of {@code series} at {@code epochMillis}: the first
     * override whose matchers all match decides (CUSTOM: its conditions, DISABLED: none, DEFAULT:
     * as if there were no override); otherwise the first schedule that contains the time,
     * otherwise the rule's conditions.
     */
    public Levels levelsAt(Series series, long epochMillis) {
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
}
