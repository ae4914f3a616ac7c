package com.gds.alerting.topologies.rules;

import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

import com.gds.alerting.avro.DimensionSetting;
import com.gds.alerting.avro.RuleSetting;
import com.gds.alerting.avro.Schedule;
import com.gds.alerting.avro.SettingMode;

/**
 * What one layer (the platform, or one tenant) says about one rule, compiled: the first dimension
 * whose matchers all match the series decides, else the rule-wide setting; a schedule whose window
 * contains the time replaces the setting's conditions. Immutable.
 */
public record LayerSetting(String ruleId, boolean fixed, SettingMode mode, Levels levels, List<Dimension> dimensions,
                           List<ScheduleWindow> schedules) {

    /** A setting for the series its matchers select (e.g. one tablespace by regex). */
    public record Dimension(List<CompiledMatcher> matchers, SettingMode mode, Levels levels) {

        boolean selects(Series series) {
            for (CompiledMatcher m : matchers) {
                if (!m.matches(series)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Compiles a setting that {@link RuleSettingsValidator} accepted. */
    public static LayerSetting compile(RuleSetting s) {
        List<Dimension> dimensions = s.getDimensions().stream().map(LayerSetting::dimension).toList();
        List<ScheduleWindow> schedules = s.getSchedules().stream().map(LayerSetting::window).toList();
        return new LayerSetting(s.getRuleId(), s.getFixed(), s.getMode(),
                s.getMode() == SettingMode.CUSTOM ? Levels.of(s.getConditions()) : null, dimensions, schedules);
    }

    private static Dimension dimension(DimensionSetting d) {
        return new Dimension(d.getMatchers().stream().map(CompiledMatcher::of).toList(), d.getMode(),
                d.getMode() == SettingMode.CUSTOM ? Levels.of(d.getConditions()) : null);
    }

    static ScheduleWindow window(Schedule s) {
        return new ScheduleWindow(ZoneId.of(s.getTimeZone()), ScheduleWindow.days(s.getDays()),
                LocalTime.parse(s.getStart()), LocalTime.parse(s.getEnd()), Levels.of(s.getConditions()));
    }

    /**
     * The levels this layer sets for a sample of {@code series} at {@code epochMillis}, or {@code null}
     * when it leaves the decision to the layer below ({@code DEFAULT} outside its schedules).
     */
    public Levels levelsAt(Series series, long epochMillis) {
        SettingMode decided = mode;
        Levels custom = levels;
        for (Dimension d : dimensions) {
            if (d.selects(series)) {
                decided = d.mode();
                custom = d.levels();
                break;
            }
        }
        if (decided == SettingMode.DISABLED) {
            return Levels.DISABLED;
        }
        for (ScheduleWindow window : schedules) {
            if (window.contains(epochMillis)) {
                return window.levels();
            }
        }
        return decided == SettingMode.CUSTOM ? custom : null;
    }

    /** The mode that applies to {@code series}: its first matching dimension's, else the rule-wide one. */
    public SettingMode modeFor(Series series) {
        for (Dimension d : dimensions) {
            if (d.selects(series)) {
                return d.mode();
            }
        }
        return mode;
    }
}
