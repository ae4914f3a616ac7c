package com.gds.alerting.rulescli.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import com.gds.alerting.config.Durations;

/**
 * One alert's history as JSON, the same shape for {@code test --output json} and {@code backtest
 * --output json}: every time as an ISO-8601 instant and as an offset from the run's start.
 */
public final class HistoryJson {

    /** The mapper every JSON report is written with. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private final Instant start;

    /** @param start where offsets count from */
    public HistoryJson(Instant start) {
        this.start = start;
    }

    /** The alert: identity, timeline segments, incidents and notifications. */
    public ObjectNode alert(AlertHistory h) {
        ObjectNode a = MAPPER.createObjectNode();
        a.put("alert_key", h.alertKey());
        a.put("rule", h.ruleId());
        a.put("instance_id", h.instanceId());
        a.put("metric", h.metricName());
        ArrayNode timeline = a.putArray("timeline");
        for (AlertHistory.Segment s : h.segments()) {
            ObjectNode n = timeline.addObject();
            n.put("state", lower(s.state()));
            n.put("severity", lower(s.severity()));
            time(n, "from", s.from());
            time(n, "to", s.to());
        }
        a.set("incidents", incidents(h));
        ArrayNode notifications = a.putArray("notifications");
        for (AlertHistory.Notification x : h.notifications()) {
            ObjectNode n = notifications.addObject();
            time(n, "at", x.at());
            n.put("transition", lower(x.transition()));
            n.put("severity", lower(x.severity()));
            n.put("incident", x.incident());
            n.put("number", x.number());
            n.put("message_id", x.messageId());
            n.put("sent", x.sent());
            n.put("suppressed_by", x.suppressedBy());
            n.put("routing_key", x.routingKey());
            n.put("summary", x.summary());
        }
        return a;
    }

    /** The incidents only, each with start, end (null when open) and its severities. */
    public ArrayNode incidents(AlertHistory h) {
        ArrayNode incidents = MAPPER.createArrayNode();
        for (AlertHistory.Incident i : h.incidents()) {
            ObjectNode n = incidents.addObject();
            n.put("number", i.number());
            time(n, "start", i.start());
            time(n, "end", i.end());
            n.put("open", i.end() == null);
            ArrayNode sev = n.putArray("severities");
            for (AlertHistory.SeverityChange c : i.severities()) {
                ObjectNode s = sev.addObject();
                s.put("severity", lower(c.severity()));
                time(s, "at", c.at());
            }
        }
        return incidents;
    }

    /** {@code name} (ISO instant or null) and {@code name_offset} (duration after the start). */
    public void time(ObjectNode n, String name, Instant at) {
        n.put(name, at == null ? null : at.toString());
        long ms = at == null ? 0 : at.toEpochMilli() - start.toEpochMilli();
        n.put(name + "_offset", at == null ? null : (ms < 0 ? "-" + Durations.format(Duration.ofMillis(-ms)) : Durations.format(Duration.ofMillis(ms))));
    }

    private static String lower(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase(Locale.ROOT);
    }
}
