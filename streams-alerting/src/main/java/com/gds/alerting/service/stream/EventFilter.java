package com.gds.alerting.service.stream;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Severity;

/**
 * The filters of the event stream, as the alert list's ({@code state}, {@code severity},
 * {@code instance_id}, {@code rule_id}, {@code q}), applied to each transition: {@code state} is
 * the state the transition leads to. Without {@code state}, every transition is streamed,
 * resolutions included. An unknown state or severity is refused with the allowed values.
 */
record EventFilter(Set<String> states, Set<String> severities, String instanceId, String ruleId, String q) {

    static EventFilter of(String state, String severity, String instanceId, String ruleId, String q) {
        return new EventFilter(values("state", state, AlertState.values()), values("severity", severity, Severity.values()),
                blankToNull(instanceId), blankToNull(ruleId), blankToNull(q) == null ? null : q.trim().toLowerCase(Locale.ROOT));
    }

    boolean matches(AlertEvent e) {
        return (states == null || states.contains(e.getState().name()))
                && (severities == null || severities.contains(e.getSeverity().name()))
                && (instanceId == null || instanceId.equals(e.getInstanceId()))
                && (ruleId == null || ruleId.equals(e.getRuleId()))
                && (q == null || e.getAlertKey().toLowerCase(Locale.ROOT).contains(q)
                        || (e.getSummary() != null && e.getSummary().toLowerCase(Locale.ROOT).contains(q)));
    }

    private static Set<String> values(String name, String value, Enum<?>[] allowed) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Set<String> names = Arrays.stream(allowed).map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
        Set<String> chosen = Arrays.stream(value.split(",")).map(s -> s.trim().toUpperCase(Locale.ROOT))
                .filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        for (String v : chosen) {
            if (!names.contains(v)) {
                throw new IllegalArgumentException(name + " '" + v + "' is unknown; allowed: "
                        + names.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
            }
        }
        return chosen;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
