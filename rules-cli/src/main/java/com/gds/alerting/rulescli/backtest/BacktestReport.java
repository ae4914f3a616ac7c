package com.gds.alerting.rulescli.backtest;

import java.time.Duration;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import com.gds.alerting.rulescli.testing.AlertHistory;
import com.gds.alerting.rulescli.testing.HistoryJson;
import com.gds.alerting.config.Durations;

/**
 * A backtest's result for people and for scripts: per rule and series (instance, metric) the
 * incidents with start and end, time firing and notifications, of the candidate rules and of the
 * current ones, and the difference per series.
 *
 * <p>Notifications are those the dispatcher's policy sends ({@code NotifyPolicy}: firing, severity
 * change, resolve unless {@code send_resolved} is off, reminders, escalations), counted as sent
 * unless a silence or an inhibition held them back. The dispatcher's storm control, which folds
 * bursts into one summary per rule or instance and minute, is not applied.
 */
public final class BacktestReport {

    private final Replay candidate;
    private final Replay current;

    /** @param current null when there are no current rules to compare with */
    public BacktestReport(Replay candidate, Replay current) {
        this.candidate = candidate;
        this.current = current;
    }

    /** The figures of one alert key, or null when it never was pending or firing. */
    private record Figures(long incidents, long firingMs, long sent, long muted) {
        static Figures of(Replay r, AlertHistory h) {
            if (h == null) {
                return null;
            }
            long sent = h.sentCount();
            return new Figures(h.incidents().size(), r.firingMs(h), sent, h.notifications().size() - sent);
        }
    }

    private TreeSet<String> keys() {
        TreeSet<String> keys = new TreeSet<>(candidate.histories().keySet());
        if (current != null) {
            keys.addAll(current.histories().keySet());
        }
        return keys;
    }

    /** The table (with the difference per series when there are current rules), then each series' incidents. */
    public void text(PrintWriter out) {
        String head = String.format("%-32s %-20s %-28s | %-30s", "rule", "instance", "metric", "candidate: incidents firing notif.");
        out.println(current == null ? head : head + " | current: incidents firing notif. | difference (candidate - current)");
        TreeSet<String> keys = keys();
        for (String key : keys) {
            AlertHistory c = candidate.histories().get(key);
            AlertHistory k = current == null ? null : current.histories().get(key);
            AlertHistory any = c != null ? c : k;
            Figures fc = Figures.of(candidate, c);
            String line = String.format("%-32s %-20s %-28s | %-30s", any.ruleId(), any.instanceId(), any.metricName(), cell(fc));
            if (current != null) {
                Figures fk = Figures.of(current, k);
                line += String.format(" | %-31s | %s", cell(fk), difference(fc, fk));
            }
            out.println(line);
        }
        if (keys.isEmpty()) {
            out.println("(nothing would have fired)");
            return;
        }
        incidents(out, "candidate", candidate);
        if (current != null) {
            incidents(out, "current", current);
        }
    }

    private static void incidents(PrintWriter out, String which, Replay r) {
        out.println();
        out.println("Incidents, " + which + " rules:");
        boolean any = false;
        for (AlertHistory h : r.histories().values()) {
            if (h.incidents().isEmpty()) {
                continue;
            }
            any = true;
            out.println("  " + h.ruleId() + " " + h.instanceId() + " " + h.metricName());
            for (AlertHistory.Incident i : h.incidents()) {
                long sent = h.notifications().stream().filter(n -> n.incident() == i.number() && n.sent()).count();
                long muted = h.notifications().stream().filter(n -> n.incident() == i.number() && !n.sent()).count();
                StringBuilder b = new StringBuilder("    #").append(i.number()).append(' ').append(i.start()).append(" -> ");
                if (i.end() != null) {
                    b.append(i.end()).append("  firing ").append(Durations.format(Duration.ofMillis(i.end().toEpochMilli() - i.start().toEpochMilli())));
                } else {
                    Instant until = r.openUntil(h, i);
                    Instant last = r.lastSampleOf(h);
                    b.append("open at the end of the data");
                    if (last != null && last.isBefore(r.end())) {
                        b.append(" (series' last sample ").append(last).append(')');
                    }
                    b.append("  firing ").append(Durations.format(Duration.ofMillis(until.toEpochMilli() - i.start().toEpochMilli())))
                            .append(" up to ").append(until);
                }
                b.append("  ").append(String.join(" -> ", i.severities().stream()
                        .map(s -> s.severity().name().toLowerCase(Locale.ROOT)).toList()));
                b.append("  notifications: ").append(sent).append(" sent");
                if (muted > 0) {
                    b.append(", ").append(muted).append(" silenced/inhibited");
                }
                out.println(b);
            }
        }
        if (!any) {
            out.println("  (none)");
        }
    }

    private static String cell(Figures f) {
        if (f == null) {
            return String.format("%9s %9s %6s", "-", "-", "-");
        }
        return String.format("%9d %9s %6d", f.incidents(), Durations.format(Duration.ofMillis(f.firingMs())), f.sent());
    }

    private static String difference(Figures c, Figures k) {
        Figures a = c == null ? new Figures(0, 0, 0, 0) : c;
        Figures b = k == null ? new Figures(0, 0, 0, 0) : k;
        if (a.equals(b)) {
            return "same";
        }
        long dt = a.firingMs() - b.firingMs();
        return signed(a.incidents() - b.incidents()) + " incidents, " + (dt < 0 ? "-" : "+") + Durations.format(Duration.ofMillis(Math.abs(dt)))
                + " firing, " + signed(a.sent() - b.sent()) + " notifications";
    }

    private static String signed(long n) {
        return n >= 0 ? "+" + n : Long.toString(n);
    }

    /** The whole result as JSON; {@code header} (samples read, range) is merged in first. */
    public ObjectNode json(Map<String, Object> header) {
        ObjectNode root = HistoryJson.MAPPER.createObjectNode();
        header.forEach((k, v) -> root.set(k, HistoryJson.MAPPER.valueToTree(v)));
        root.set("candidate", rules(candidate));
        root.set("current", current == null ? null : rules(current));
        if (current != null) {
            ArrayNode diff = root.putArray("difference");
            for (String key : keys()) {
                AlertHistory c = candidate.histories().get(key);
                AlertHistory k = current.histories().get(key);
                AlertHistory any = c != null ? c : k;
                Figures fc = Figures.of(candidate, c);
                Figures fk = Figures.of(current, k);
                Figures a = fc == null ? new Figures(0, 0, 0, 0) : fc;
                Figures b = fk == null ? new Figures(0, 0, 0, 0) : fk;
                ObjectNode n = diff.addObject();
                n.put("rule", any.ruleId());
                n.put("instance_id", any.instanceId());
                n.put("metric", any.metricName());
                n.put("incidents", a.incidents() - b.incidents());
                n.put("firing_ms", a.firingMs() - b.firingMs());
                n.put("notifications", a.sent() - b.sent());
                n.put("same", a.equals(b));
            }
        }
        return root;
    }

    private static ObjectNode rules(Replay r) {
        HistoryJson writer = new HistoryJson(r.start());
        ObjectNode node = HistoryJson.MAPPER.createObjectNode();
        writer.time(node, "start", r.start());
        writer.time(node, "end", r.end());
        ArrayNode series = node.putArray("series");
        Map<String, AlertHistory> sorted = new TreeMap<>(r.histories());
        for (AlertHistory h : sorted.values()) {
            ObjectNode n = writer.alert(h);
            Figures f = Figures.of(r, h);
            n.put("incident_count", f.incidents());
            n.put("firing_ms", f.firingMs());
            n.put("firing", Durations.format(Duration.ofMillis(f.firingMs())));
            n.put("notifications_sent", f.sent());
            n.put("notifications_silenced_or_inhibited", f.muted());
            writer.time(n, "last_sample", r.lastSampleOf(h));
            ArrayNode incidents = (ArrayNode) n.get("incidents");
            for (int i = 0; i < h.incidents().size(); i++) {
                AlertHistory.Incident inc = h.incidents().get(i);
                if (inc.end() == null) {
                    writer.time((ObjectNode) incidents.get(i), "firing_counted_until", r.openUntil(h, inc));
                }
            }
            series.add(n);
        }
        return node;
    }
}
