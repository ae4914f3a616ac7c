package com.gds.alerting.rulescli.backtest;

import java.time.Instant;
import java.util.Map;

import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.rulescli.testing.AlertHistory;

/**
 * What a replay of one rule set did: the history of every alert, and where each series' data ended.
 *
 * @param histories  by alert key
 * @param lastSample the last sample of each series ({@link #seriesKey}) in the replay
 * @param kinds      the kind of each rule, by id
 * @param start      the first sample
 * @param end        the end of the replay ({@code --to}, or the last sample)
 */
public record Replay(Map<String, AlertHistory> histories, Map<String, Instant> lastSample, Map<String, RuleKind> kinds,
                     Instant start, Instant end) {

    static String seriesKey(String instanceId, String metricName) {
        return instanceId + "\u0000" + metricName;
    }

    /**
     * Until when an incident still open at the end of the replay is counted as firing: the last
     * sample of its series, not the end of the replay, since nothing was known of that series after
     * it; an absence alert fires because its series stopped, so it counts until the end.
     */
    public Instant openUntil(AlertHistory h, AlertHistory.Incident incident) {
        if (kinds.get(h.ruleId()) == RuleKind.ABSENCE) {
            return end;
        }
        Instant last = lastSample.get(seriesKey(h.instanceId(), h.metricName()));
        if (last == null || last.isBefore(incident.start())) {
            return incident.start();
        }
        return last.isAfter(end) ? end : last;
    }

    /** The last sample of the alert's series, or null. */
    public Instant lastSampleOf(AlertHistory h) {
        return lastSample.get(seriesKey(h.instanceId(), h.metricName()));
    }

    /** Time firing over the alert's incidents; an open one counts until {@link #openUntil}. */
    public long firingMs(AlertHistory h) {
        long ms = 0;
        for (AlertHistory.Incident i : h.incidents()) {
            Instant to = i.end() != null ? i.end() : openUntil(h, i);
            ms += Math.max(0, to.toEpochMilli() - i.start().toEpochMilli());
        }
        return ms;
    }
}
