package com.gds.alerting.topologies.absence;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import com.gds.alerting.avro.internal.AbsenceTrack;
import com.gds.alerting.topologies.rules.Series;

/**
 * The series one task's ABSENCE rules track, from their first sample, on the wall clock.
 *
 * <p>Why the wall clock, not event time: silence is measured from when the newest sample was
 * <em>processed</em>. A consumer catching up after a restart reads samples with old timestamps; on
 * event time every instance would look silent at once and page the whole fleet.
 *
 * <p>Each tracked series has at most one entry in the timer index (the caller owns the index; this
 * class says which entry should be there). The entry is not moved on every sample — that would cost
 * two index writes per sample — but lazily: when it comes due and the series was heard from since,
 * it is re-armed at the new deadline. So the index stays ordered by due time and a tick reads only
 * what is due.
 */
public final class AbsenceTracker {

    /** What a due timer means for its series. */
    public enum Due {
        /** Nothing (the series is gone, or the timer was replaced). */
        STALE,
        /** Heard from since: re-armed at {@link AbsenceTrack#getArmedDue()}. */
        REARMED,
        /** Silent for {@code for}: the absence alert fires; the forget timer is armed. */
        ABSENT,
        /** Silent for the retention: the series is forgotten (its alert resolves). */
        FORGOTTEN
    }

    private final KeyValueStore<String, AbsenceTrack> tracks;

    public AbsenceTracker(KeyValueStore<String, AbsenceTrack> tracks) {
        this.tracks = tracks;
    }

    public AbsenceTrack get(String alertKey) {
        return tracks.get(alertKey);
    }

    /**
     * Records a sample processed at wall time {@code now}.
     *
     * @return the change the caller makes to the timer index, or {@code null} when the armed absence
     *         timer stays (it re-arms itself lazily when it comes due)
     */
    public Rearm onSample(String alertKey, Series series, long forMs, long now) {
        AbsenceTrack t = tracks.get(alertKey);
        Rearm rearm;
        if (t == null) {
            t = AbsenceTrack.newBuilder().setLastSeenAt(now).setArmedDue(now + forMs).setArmedForget(false).build();
            rearm = new Rearm(null, false, now + forMs);
        } else if (t.getArmedDue() == null || t.getArmedForget()) {
            rearm = new Rearm(t.getArmedDue(), t.getArmedForget(), now + forMs);
            t.setArmedDue(now + forMs);
            t.setArmedForget(false);
        } else {
            rearm = null;
        }
        t.setLastSeenAt(now);
        t.setDatabaseType(series.databaseType());
        t.setEnvironment(series.environment());
        t.setTags(series.tags());
        tracks.put(alertKey, t);
        return rearm;
    }

    /**
     * A timer of {@code alertKey} armed for {@code due} came due at wall time {@code now}.
     *
     * @param forMs        the rule's silence before firing
     * @param retentionMs  silence after which the series is forgotten
     */
    public Due onTimer(String alertKey, long due, boolean forgetTimer, long forMs, long retentionMs, long now) {
        AbsenceTrack t = tracks.get(alertKey);
        if (t == null || t.getArmedDue() == null || t.getArmedDue() != due || t.getArmedForget() != forgetTimer) {
            return Due.STALE;
        }
        long silentSince = t.getLastSeenAt();
        if (!forgetTimer) {
            if (silentSince + forMs > now) {
                arm(t, alertKey, silentSince + forMs, false);
                return Due.REARMED;
            }
            arm(t, alertKey, silentSince + retentionMs, true);
            return Due.ABSENT;
        }
        if (silentSince + retentionMs > now) {
            arm(t, alertKey, silentSince + retentionMs, true);
            return Due.REARMED;
        }
        tracks.delete(alertKey);
        return Due.FORGOTTEN;
    }

    /** Stops tracking one series (its rule is gone or no longer an absence rule). */
    public void forget(String alertKey) {
        tracks.delete(alertKey);
    }

    /** Stops tracking every series of a rule; their timers find nothing when they come due. */
    public void forgetRule(String ruleId) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, AbsenceTrack> it = tracks.prefixScan(ruleId + ":", new StringSerializer())) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(tracks::delete);
    }

    private void arm(AbsenceTrack t, String alertKey, long due, boolean forget) {
        t.setArmedDue(due);
        t.setArmedForget(forget);
        tracks.put(alertKey, t);
    }

    /** The series as the track remembers it (for an alert raised while nothing arrives). */
    public static Series series(AbsenceTrack t, String metricName, String instanceId) {
        return new Series(metricName, instanceId, t.getDatabaseType(), t.getEnvironment(), t.getTags());
    }

    /**
     * A change to the timer index after a sample: delete the entry at {@code oldDue} (if not null),
     * add one at {@code newDue}.
     */
    public record Rearm(Long oldDue, boolean oldWasForget, long newDue) {
    }
}
