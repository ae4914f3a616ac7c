package com.gds.alerting.topologies.shadow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;

/**
 * Where a shadow rule and the live rule it would replace disagree, per series, over the transitions
 * of both in one time range: each rule's firing episodes (FIRED to RESOLVED) are paired by overlap,
 * and what does not pair, or pairs at other times or another severity, is a {@link Difference}.
 *
 * <p>A series is the alert key without its rule id ({@code <instance_id>:<metric_name>}), so the
 * shadow's {@code r.shadow:db-1:m} and the live {@code r:db-1:m} are the same series. Only firing
 * counts: a pending streak that never fired pages nobody on either side; acknowledgements and
 * reminders are operator and timer matters, not verdicts. A FIRED again after a silence or an
 * inhibition ended (previous state FIRING) is a re-notification of the same episode, not a new one.
 */
public final class ShadowDiff {

    /** How a pair of episodes, or a lone one, differs. */
    public enum Kind {
        /** The shadow fired, the live rule did not (at any overlapping time). */
        ONLY_SHADOW,
        /** The live rule fired, the shadow did not. */
        ONLY_LIVE,
        /** Both fired over overlapping times, but fired or resolved at different instants. */
        DIFFERENT_TIMES,
        /** Both fired and resolved at the same instants, at different severities. */
        DIFFERENT_SEVERITY
    }

    /**
     * One disagreement on one series. {@code firedDelta} and {@code resolvedDelta} are shadow minus
     * live (positive: the shadow was later), {@code null} where either side has no such instant.
     */
    public record Difference(Kind kind, FiringEpisode shadow, FiringEpisode live, Duration firedDelta, Duration resolvedDelta) {
    }

    /** The differences of one series, in time order. */
    public record SeriesDiff(String series, String instanceId, String metricName, List<Difference> differences) {
    }

    /**
     * The whole comparison.
     *
     * @param seriesCompared series on which either rule had a transition in the range
     * @param agreeing       episodes that paired at the same instants and severity
     * @param series         only the series with at least one difference, by series
     */
    public record Report(int seriesCompared, int agreeing, Map<Kind, Integer> counts, List<SeriesDiff> series) {

        /** True when the shadow and the live rule fired alike on every series. */
        public boolean identical() {
            return series.isEmpty();
        }
    }

    private ShadowDiff() {
    }

    /**
     * Compares the transitions of the shadow rule {@code shadowRuleId} with those of {@code liveRuleId};
     * events of other rules are ignored, so the callers may hand over everything they read.
     */
    public static Report compare(String shadowRuleId, Collection<AlertEvent> shadowEvents, String liveRuleId,
                                 Collection<AlertEvent> liveEvents) {
        Map<String, List<FiringEpisode>> shadow = episodes(shadowRuleId, shadowEvents);
        Map<String, List<FiringEpisode>> live = episodes(liveRuleId, liveEvents);
        Map<String, String[]> names = new LinkedHashMap<>();
        collectNames(shadowRuleId, shadowEvents, names);
        collectNames(liveRuleId, liveEvents, names);
        TreeSet<String> all = new TreeSet<>(shadow.keySet());
        all.addAll(live.keySet());
        all.addAll(names.keySet());
        Map<Kind, Integer> counts = new TreeMap<>();
        for (Kind kind : Kind.values()) {
            counts.put(kind, 0);
        }
        int agreeing = 0;
        List<SeriesDiff> differing = new ArrayList<>();
        for (String series : all) {
            List<Difference> differences = new ArrayList<>();
            agreeing += pair(shadow.getOrDefault(series, List.of()), live.getOrDefault(series, List.of()), differences);
            if (!differences.isEmpty()) {
                differences.forEach(d -> counts.merge(d.kind(), 1, Integer::sum));
                String[] parts = names.getOrDefault(series, new String[] {null, null});
                differing.add(new SeriesDiff(series, parts[0], parts[1], differences));
            }
        }
        return new Report(all.size(), agreeing, counts, differing);
    }

    /** Pairs overlapping episodes in time order; adds the differences, returns how many pairs agree. */
    private static int pair(List<FiringEpisode> shadow, List<FiringEpisode> live, List<Difference> out) {
        boolean[] used = new boolean[shadow.size()];
        int agreeing = 0;
        List<Difference> found = new ArrayList<>();
        for (FiringEpisode l : live) {
            int match = -1;
            for (int i = 0; i < shadow.size(); i++) {
                if (!used[i] && shadow.get(i).overlaps(l)) {
                    match = i;
                    break;
                }
            }
            if (match < 0) {
                found.add(new Difference(Kind.ONLY_LIVE, null, l, null, null));
                continue;
            }
            used[match] = true;
            FiringEpisode s = shadow.get(match);
            boolean sameTimes = Objects.equals(s.firedAt(), l.firedAt()) && Objects.equals(s.resolvedAt(), l.resolvedAt());
            if (sameTimes && s.severity() == l.severity()) {
                agreeing++;
            } else {
                found.add(new Difference(sameTimes ? Kind.DIFFERENT_SEVERITY : Kind.DIFFERENT_TIMES, s, l,
                        delta(s.firedAt(), l.firedAt()), delta(s.resolvedAt(), l.resolvedAt())));
            }
        }
        for (int i = 0; i < shadow.size(); i++) {
            if (!used[i]) {
                found.add(new Difference(Kind.ONLY_SHADOW, shadow.get(i), null, null, null));
            }
        }
        found.sort(Comparator.comparing(ShadowDiff::start, Comparator.nullsFirst(Comparator.naturalOrder())));
        out.addAll(found);
        return agreeing;
    }

    private static Instant start(Difference d) {
        FiringEpisode first = d.live() != null ? d.live() : d.shadow();
        return first.firedAt();
    }

    private static Duration delta(Instant shadow, Instant live) {
        return shadow == null || live == null ? null : Duration.between(live, shadow);
    }

    /** The firing episodes of each series of {@code ruleId}, from its transitions in event order. */
    static Map<String, List<FiringEpisode>> episodes(String ruleId, Collection<AlertEvent> events) {
        Map<String, List<AlertEvent>> bySeries = new TreeMap<>();
        for (AlertEvent e : events) {
            String series = series(ruleId, e);
            if (series != null) {
                bySeries.computeIfAbsent(series, k -> new ArrayList<>()).add(e);
            }
        }
        Map<String, List<FiringEpisode>> episodes = new TreeMap<>();
        bySeries.forEach((series, list) -> {
            List<FiringEpisode> found = episodesOf(list);
            if (!found.isEmpty()) {
                episodes.put(series, found);
            }
        });
        return episodes;
    }

    private static List<FiringEpisode> episodesOf(List<AlertEvent> events) {
        List<FiringEpisode> out = new ArrayList<>();
        Long incident = null;
        Instant firedAt = null;
        Severity severity = null;
        boolean open = false;
        for (AlertEvent e : events) {
            Transition t = e.getTransition();
            boolean firingBefore = e.getPreviousState() == AlertState.FIRING || e.getPreviousState() == AlertState.ACKNOWLEDGED;
            if (t == Transition.FIRED && !firingBefore) {
                if (open) {
                    out.add(new FiringEpisode(incident, firedAt, null, severity)); // its RESOLVED was not read: closed by the next
                }
                open = true;
                incident = e.getIncident();
                firedAt = e.getUpdatedAt();
                severity = e.getSeverity();
            } else if (t == Transition.RESOLVED && firingBefore) {
                if (open && incident == e.getIncident()) {
                    out.add(new FiringEpisode(incident, firedAt, e.getUpdatedAt(), max(severity, e.getSeverity())));
                } else {
                    // Fired before the range began: its start is not in what was read.
                    out.add(new FiringEpisode(e.getIncident(), null, e.getUpdatedAt(), e.getSeverity()));
                }
                open = false;
            } else if (firingBefore || t == Transition.FIRED) {
                if (open && incident == e.getIncident()) {
                    severity = max(severity, e.getSeverity());
                } else if (!open) {
                    // A transition of an episode that fired before the range (severity change, ack, reminder).
                    open = true;
                    incident = e.getIncident();
                    firedAt = null;
                    severity = e.getSeverity();
                }
            }
        }
        if (open) {
            out.add(new FiringEpisode(incident, firedAt, null, severity));
        }
        return out;
    }

    private static Severity max(Severity a, Severity b) {
        return a == null || b != null && b.ordinal() > a.ordinal() ? b : a;
    }

    /** The series of an event of {@code ruleId} (its alert key without the rule id), or null for another rule's. */
    static String series(String ruleId, AlertEvent e) {
        if (!ruleId.equals(e.getRuleId()) || !e.getAlertKey().startsWith(ruleId + ":")) {
            return null;
        }
        return e.getAlertKey().substring(ruleId.length() + 1);
    }

    private static void collectNames(String ruleId, Collection<AlertEvent> events, Map<String, String[]> names) {
        for (AlertEvent e : events) {
            String series = series(ruleId, e);
            if (series != null) {
                names.putIfAbsent(series, new String[] {e.getInstanceId(), e.getMetricName()});
            }
        }
    }
}
