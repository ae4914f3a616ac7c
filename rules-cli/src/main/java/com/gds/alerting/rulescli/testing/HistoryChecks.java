package com.gds.alerting.rulescli.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.gds.alerting.avro.AlertState;
import com.gds.alerting.rulescli.testing.AlertHistory.Incident;
import com.gds.alerting.rulescli.testing.AlertHistory.Notification;
import com.gds.alerting.rulescli.testing.AlertHistory.Segment;
import com.gds.alerting.rulescli.testing.RuleTestFile.ExpectedIncident;
import com.gds.alerting.rulescli.testing.RuleTestFile.ExpectedNotification;
import com.gds.alerting.rulescli.testing.RuleTestFile.Interval;
import com.gds.alerting.config.Durations;

/**
 * Compares a case's timeline, incident and notification expectations with the alert histories of
 * its run. Each method returns the failure text (expected, actual) or null when it holds.
 */
final class HistoryChecks {

    private final Instant start;

    /** @param start the case's start: expectations are offsets from it */
    HistoryChecks(Instant start) {
        this.start = start;
    }

    /** The exact intervals of each phase the check names, for the one alert it selects. */
    String timeline(RuleTestFile.TimelineCheck check, Map<String, AlertHistory> histories) {
        List<AlertHistory> picked = select(check.selector(), histories);
        if (picked.size() > 1) {
            return "  selects " + picked.size() + " alerts (" + String.join(", ", picked.stream().map(AlertHistory::alertKey)
                    .toList()) + "): a timeline is one alert's; add instance_id or metric\n";
        }
        List<Segment> segments = picked.isEmpty() ? List.of() : picked.get(0).segments();
        StringBuilder diff = new StringBuilder();
        for (Map.Entry<String, List<Interval>> phase : check.phases().entrySet()) {
            List<Interval> actual = intervals(segments, phase.getKey());
            if (!actual.equals(phase.getValue())) {
                diff.append("  ").append(phase.getKey()).append(": expected ").append(format(phase.getValue()))
                        .append(", actual ").append(format(actual)).append('\n');
            }
        }
        if (diff.isEmpty()) {
            return null;
        }
        diff.append("  timeline:\n");
        if (segments.isEmpty()) {
            diff.append("      (never pending or firing)\n");
        }
        segments.forEach(s -> diff.append("      ").append(describe(s)).append('\n'));
        return diff.toString();
    }

    /** The incidents of the selected alerts, in order, against the expected ones. */
    String incidents(RuleTestFile.IncidentCheck check, Map<String, AlertHistory> histories) {
        List<Incident> actual = select(check.selector(), histories).stream().flatMap(h -> h.incidents().stream())
                .sorted(Comparator.comparing(Incident::start)).toList();
        boolean ok = actual.size() == check.incidents().size();
        for (int i = 0; ok && i < actual.size(); i++) {
            ok = matches(check.incidents().get(i), actual.get(i));
        }
        if (ok) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        b.append("  expected (").append(check.incidents().size()).append("):").append(check.incidents().isEmpty() ? " none\n" : "\n");
        check.incidents().forEach(e -> b.append("      ").append(describe(e)).append("   (line ").append(e.location().line())
                .append(")\n"));
        b.append("  actual (").append(actual.size()).append("):").append(actual.isEmpty() ? " none\n" : "\n");
        actual.forEach(a -> b.append("      ").append(describe(a)).append('\n'));
        return b.toString();
    }

    /** The notifications of the selected alerts, in order, against the expected ones. */
    String notifications(RuleTestFile.NotificationCheck check, Map<String, AlertHistory> histories) {
        List<Notification> actual = select(check.selector(), histories).stream().flatMap(h -> h.notifications().stream())
                .sorted(Comparator.comparing(Notification::at)).toList();
        boolean ok = actual.size() == check.notifications().size();
        for (int i = 0; ok && i < actual.size(); i++) {
            ok = matches(check.notifications().get(i), actual.get(i));
        }
        if (ok) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        b.append("  expected (").append(check.notifications().size()).append("):")
                .append(check.notifications().isEmpty() ? " none\n" : "\n");
        check.notifications().forEach(e -> b.append("      ").append(describe(e)).append("   (line ")
                .append(e.location().line()).append(")\n"));
        b.append("  actual (").append(actual.size()).append("):").append(actual.isEmpty() ? " none\n" : "\n");
        actual.forEach(a -> b.append("      ").append(describe(a)).append('\n'));
        return b.toString();
    }

    static List<AlertHistory> select(RuleTestFile.Selector selector, Map<String, AlertHistory> histories) {
        return histories.values().stream().filter(h -> selector.matches(h.ruleId(), h.instanceId(), h.metricName())).toList();
    }

    /** The merged intervals of a phase: pending, firing (any severity, acknowledged too) or firing at one severity. */
    List<Interval> intervals(List<Segment> segments, String phase) {
        List<Interval> out = new ArrayList<>();
        for (Segment s : segments) {
            boolean in = switch (phase) {
                case "pending" -> s.state() == AlertState.PENDING;
                case "firing" -> s.firing();
                default -> s.firing() && s.severity().name().toLowerCase(Locale.ROOT).equals(phase);
            };
            if (!in) {
                continue;
            }
            long from = offset(s.from());
            Long to = s.to() == null ? null : offset(s.to());
            Interval last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.toMs() != null && last.toMs() == from) {
                out.set(out.size() - 1, new Interval(last.fromMs(), to));
            } else {
                out.add(new Interval(from, to));
            }
        }
        return out;
    }

    private boolean matches(ExpectedIncident e, Incident a) {
        return (e.startMs() == null || e.startMs() == offset(a.start()))
                && (!e.open() || a.end() == null)
                && (e.endMs() == null || (a.end() != null && e.endMs() == offset(a.end())))
                && (e.severities() == null || e.severities().equals(a.severities().stream().map(AlertHistory.SeverityChange::severity)
                .toList()));
    }

    private boolean matches(ExpectedNotification e, Notification a) {
        return (e.atMs() == null || e.atMs() == offset(a.at()))
                && (e.transition() == null || e.transition() == a.transition())
                && (e.severity() == null || e.severity() == a.severity())
                && (e.incident() == null || e.incident() == a.incident())
                && (e.messageId() == null || e.messageId().equals(a.messageId()))
                && (e.sent() == null || e.sent() == a.sent())
                && (e.suppressedBy() == null || e.suppressedBy().equals(a.suppressedBy()))
                && (e.routingKey() == null || e.routingKey().equals(a.routingKey()))
                && (e.summary() == null || e.summary().equals(a.summary()));
    }

    long offset(Instant at) {
        return at.toEpochMilli() - start.toEpochMilli();
    }

    String time(Instant at) {
        long ms = offset(at);
        return ms < 0 ? "-" + Durations.format(Duration.ofMillis(-ms)) : Durations.format(Duration.ofMillis(ms));
    }

    static String format(List<Interval> intervals) {
        List<String> parts = intervals.stream().map(i -> "[" + Durations.format(Duration.ofMillis(i.fromMs())) + ", "
                + (i.toMs() == null ? "open" : Durations.format(Duration.ofMillis(i.toMs()))) + "]").toList();
        return "[" + String.join(", ", parts) + "]";
    }

    String describe(Segment s) {
        return String.format("%-9s %-8s .. %-8s %s", s.state().name().toLowerCase(Locale.ROOT), time(s.from()),
                s.to() == null ? "open" : time(s.to()), lower(s.severity()));
    }

    String describe(Incident i) {
        return "#" + i.number() + " start=" + time(i.start()) + " end=" + (i.end() == null ? "open" : time(i.end()))
                + " severities=" + i.severities().stream().map(c -> lower(c.severity()) + "@" + time(c.at())).toList();
    }

    String describe(Notification n) {
        return "at=" + time(n.at()) + " transition=" + lower(n.transition()) + " severity=" + lower(n.severity()) + " incident="
                + n.incident() + (n.sent() ? " sent" : " suppressed_by=" + n.suppressedBy()) + " message_id=" + n.messageId()
                + (n.routingKey() == null ? "" : " routing_key=" + n.routingKey());
    }

    private static String describe(ExpectedIncident e) {
        StringBuilder b = new StringBuilder();
        if (e.startMs() != null) {
            b.append("start=").append(Durations.format(Duration.ofMillis(e.startMs()))).append(' ');
        }
        if (e.open()) {
            b.append("end=open ");
        } else if (e.endMs() != null) {
            b.append("end=").append(Durations.format(Duration.ofMillis(e.endMs()))).append(' ');
        }
        if (e.severities() != null) {
            b.append("severities=").append(e.severities().stream().map(HistoryChecks::lower).toList());
        }
        return b.isEmpty() ? "(any incident)" : b.toString().trim();
    }

    private static String describe(ExpectedNotification e) {
        StringBuilder b = new StringBuilder();
        append(b, "at", e.atMs() == null ? null : Durations.format(Duration.ofMillis(e.atMs())));
        append(b, "transition", e.transition() == null ? null : lower(e.transition()));
        append(b, "severity", e.severity() == null ? null : lower(e.severity()));
        append(b, "incident", e.incident() == null ? null : e.incident().toString());
        append(b, "sent", e.sent() == null ? null : e.sent().toString());
        append(b, "suppressed_by", e.suppressedBy());
        append(b, "message_id", e.messageId());
        append(b, "routing_key", e.routingKey());
        append(b, "summary", e.summary() == null ? null : "\"" + e.summary() + "\"");
        return b.isEmpty() ? "(any notification)" : b.toString().trim();
    }

    private static void append(StringBuilder b, String name, String value) {
        if (value != null) {
            b.append(name).append('=').append(value).append(' ');
        }
    }

    static String lower(Enum<?> e) {
        return e == null ? "-" : e.name().toLowerCase(Locale.ROOT);
    }
}
