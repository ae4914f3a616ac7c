package com.gds.alerting.service.dispatch;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;

/**
 * The one notification that stands for the events a storm held back in one window: how many,
 * of what, on which instances, the worst severity, then one line per event (up to a limit; the
 * rest counted). Its {@code message_id} is a function of the held events' ids, so a redelivered
 * summary is recognised as a repeat.
 */
final class StormSummaryFormatter {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private StormSummaryFormatter() {
    }

    static NotificationPayload format(StormControl.Group group, int maxLines) {
        List<AlertEvent> events = group.held().stream().map(StormControl.Held::event).toList();
        Severity worst = events.stream().map(AlertEvent::getSeverity).max(Comparator.naturalOrder()).orElseThrow();
        Map<String, Integer> byInstance = new TreeMap<>();
        Map<String, Integer> byRule = new TreeMap<>();
        Map<Transition, Integer> byTransition = new EnumMap<>(Transition.class);
        for (AlertEvent e : events) {
            byInstance.merge(e.getInstanceId(), 1, Integer::sum);
            byRule.merge(e.getRuleId(), 1, Integer::sum);
            byTransition.merge(e.getTransition(), 1, Integer::sum);
        }
        boolean byRuleScope = group.scope() == StormControl.Scope.RULE;
        String alertName = byRuleScope ? group.name() : (byRule.size() == 1 ? byRule.keySet().iterator().next() : "storm-summary");
        String instance = !byRuleScope ? group.name()
                : (byInstance.size() == 1 ? byInstance.keySet().iterator().next() : "multiple");
        String window = TIME.format(group.windowStart()) + "-" + TIME.format(group.windowEnd()) + " UTC";
        String subject = "[" + worst.name() + "] STORM: " + events.size() + " notifications held back for "
                + (byRuleScope ? "rule " + group.name() + " on " + byInstance.size() + " instance(s)"
                        : "instance " + group.name() + " from " + byRule.size() + " rule(s)")
                + ", " + window;

        StringBuilder b = new StringBuilder();
        b.append("Storm control held back ").append(events.size()).append(" notifications ")
                .append(byRuleScope ? "of rule " : "for instance ").append(group.name())
                .append(" between ").append(window).append(" (the rate limit per ")
                .append(byRuleScope ? "rule" : "instance").append(" was reached). Worst severity: ")
                .append(worst.name().toLowerCase(Locale.ROOT)).append(".\n\n");
        b.append("By transition: ");
        appendCounts(b, byTransition);
        b.append("\nBy instance:   ");
        appendCounts(b, byInstance);
        b.append("\nBy rule:       ");
        appendCounts(b, byRule);
        b.append("\n\n");
        int shown = 0;
        for (AlertEvent e : events) {
            if (shown++ == maxLines) {
                b.append("... and ").append(events.size() - maxLines).append(" more\n");
                break;
            }
            b.append(String.format(Locale.ROOT, "%-9s %-17s %s%s%n", e.getSeverity().name(), e.getTransition().name(),
                    e.getAlertKey(), e.getValue() == null ? "" : " = " + NotificationFormatter.number(e.getValue())));
        }
        b.append("\nEach of them is in the alert history (GET /api/v1/alerts/{key}/history).\n");

        Map<String, String> labels = new TreeMap<>();
        labels.put("gds_storm_summary", "true");
        labels.put("gds_storm_scope", group.scope().name().toLowerCase(Locale.ROOT));
        labels.put("gds_storm_held", Integer.toString(events.size()));
        labels.put("gds_storm_instances", Integer.toString(byInstance.size()));
        return new NotificationPayload(alertName, instance, subject, b.toString(), messageId(group, events),
                worst.name().toLowerCase(Locale.ROOT), common(events, AlertEvent::getRunbookUrl), labels,
                common(events, AlertEvent::getRoutingKey));
    }

    private static <K> void appendCounts(StringBuilder b, Map<K, Integer> counts) {
        String sep = "";
        for (Map.Entry<K, Integer> e : counts.entrySet()) {
            b.append(sep).append(e.getKey()).append(" ").append(e.getValue());
            sep = ", ";
        }
    }

    /** The value all events share, or null when they differ. */
    private static String common(List<AlertEvent> events, java.util.function.Function<AlertEvent, String> field) {
        String first = field.apply(events.get(0));
        return events.stream().allMatch(e -> Objects.equals(field.apply(e), first)) ? first : null;
    }

    private static String messageId(StormControl.Group group, List<AlertEvent> events) {
        StringBuilder name = new StringBuilder("gds-storm/v1\u0000").append(group.scope()).append('\u0000')
                .append(group.name());
        events.stream().map(AlertEvent::getMessageId).sorted().forEach(id -> name.append('\u0000').append(id));
        return UUID.nameUUIDFromBytes(name.toString().getBytes(StandardCharsets.UTF_8)).toString();
    }
}
