package com.gds.alerting.service.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.service.problem.InvalidParam;
import com.gds.alerting.topologies.alert.Severities;

/**
 * The filters of {@code GET /api/v1/alerts}; all optional. Without {@code state}, the current
 * alerts: pending, firing and acknowledged (resolved ones only when asked for). {@code state} and
 * {@code severity} take one value or a comma-separated list; {@code q} is a case-insensitive
 * substring of the alert key (rule, instance, metric) or of the summary. A value of {@code state} or
 * {@code severity} that names no state or severity is refused ({@link #validate}), never read as
 * "matches nothing".
 */
public record AlertFilter(String state, String severity, String instanceId, String ruleId, String q, String shadow) {

    /** {@code shadow}: only live rules' alerts (the default), only shadow rules' ({@code true}), or both ({@code all}). */
    public static final List<String> SHADOW_VALUES = List.of("false", "true", "all");

    private static final Set<String> CURRENT = Set.of(AlertState.PENDING.name(), AlertState.FIRING.name(),
            AlertState.ACKNOWLEDGED.name());

    public AlertFilter {
        state = upper(state);
        severity = upper(severity);
        instanceId = blankToNull(instanceId);
        ruleId = blankToNull(ruleId);
        q = blankToNull(q) == null ? null : q.trim().toLowerCase(Locale.ROOT);
        shadow = blankToNull(shadow) == null ? null : shadow.trim().toLowerCase(Locale.ROOT);
    }

    public AlertFilter(String state, String severity, String instanceId, String ruleId, String q) {
        this(state, severity, instanceId, ruleId, q, null);
    }

    public AlertFilter(String state, String severity, String instanceId, String ruleId) {
        this(state, severity, instanceId, ruleId, null, null);
    }

    /** Every value {@code state} takes, in lifecycle order. */
    public static List<String> allowedStates() {
        return Arrays.stream(AlertState.values()).map(Enum::name).toList();
    }

    /** Every value {@code severity} takes, least urgent first. */
    public static List<String> allowedSeverities() {
        return Arrays.stream(Severity.values()).map(Enum::name).toList();
    }

    /**
     * The parameters naming a value that does not exist, each with the allowed values; empty when
     * the filter is usable. An unknown value is refused rather than matching nothing: a typo
     * ({@code severity=crit}) must not look like a quiet fleet.
     */
    public List<InvalidParam> validate() {
        List<InvalidParam> problems = new ArrayList<>();
        unknown("state", state, allowedStates(), problems);
        unknown("severity", severity, allowedSeverities(), problems);
        if (shadow != null && !SHADOW_VALUES.contains(shadow)) {
            problems.add(new InvalidParam("shadow", "unknown value '" + shadow + "'; allowed: " + String.join(", ", SHADOW_VALUES)));
        }
        return problems;
    }

    private static void unknown(String name, String value, List<String> allowed, List<InvalidParam> problems) {
        if (value == null) {
            return;
        }
        Set<String> unknown = new TreeSet<>(list(value));
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            problems.add(new InvalidParam(name, "unknown value" + (unknown.size() > 1 ? "s " : " ")
                    + unknown.stream().map(v -> "'" + v.toLowerCase(Locale.ROOT) + "'").collect(Collectors.joining(", "))
                    + "; allowed (any case, comma-separated): "
                    + allowed.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "))));
        }
    }

    private static String upper(String value) {
        return value == null || value.isBlank() ? null : value.trim().toUpperCase(Locale.ROOT);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static Set<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    /** The filter, compiled for one store scan: the lists are split once, not per alert. */
    public Compiled compile() {
        Boolean shadowOnly = shadow == null || shadow.equals("false") ? Boolean.FALSE : shadow.equals("true") ? Boolean.TRUE : null;
        return new Compiled(state == null ? CURRENT : list(state), severity == null ? null : list(severity), instanceId,
                ruleId, q, shadowOnly);
    }

    /**
     * A compiled filter. Its parts are separate so that one scan can count each facet (the
     * alerts per state, per severity) over the alerts the <em>other</em> filters select.
     */
    public record Compiled(Set<String> states, Set<String> severities, String instanceId, String ruleId, String q,
                           Boolean shadow) {

        /** Instance, rule, shadow ({@code null}: either) and text filters. */
        public boolean matchesBase(AlertStatus s) {
            return (shadow == null || s.getShadow() == shadow)
                    && (instanceId == null || s.getInstanceId().equals(instanceId))
                    && (ruleId == null || s.getRuleId().equals(ruleId))
                    && (q == null || s.getAlertKey().toLowerCase(Locale.ROOT).contains(q)
                            || (s.getSummary() != null && s.getSummary().toLowerCase(Locale.ROOT).contains(q)));
        }

        public boolean matchesState(AlertStatus s) {
            return states.contains(s.getState().name());
        }

        public boolean matchesSeverity(AlertStatus s) {
            return severities == null || severities.contains(Severities.effective(s).name());
        }

        public boolean matches(AlertStatus s) {
            return matchesState(s) && matchesSeverity(s) && matchesBase(s);
        }
    }

    public boolean matches(AlertStatus s) {
        return compile().matches(s);
    }
}
