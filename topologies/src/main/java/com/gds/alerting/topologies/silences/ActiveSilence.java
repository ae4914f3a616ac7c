package com.gds.alerting.topologies.silences;

import java.util.List;

import com.gds.alerting.avro.Silence;
import com.gds.alerting.topologies.rules.CompiledMatcher;
import com.gds.alerting.topologies.rules.Series;

/** A validated silence with its matchers compiled. */
public record ActiveSilence(Silence source, List<CompiledMatcher> matchers) {

    public static ActiveSilence of(Silence silence) {
        return new ActiveSilence(silence, silence.getMatchers().stream().map(CompiledMatcher::of).toList());
    }

    public String id() {
        return source.getSilenceId();
    }

    /** Whether it is in force at {@code epochMillis} (no end: until deleted, maintenance mode). */
    public boolean activeAt(long epochMillis) {
        return source.getStartsAt().toEpochMilli() <= epochMillis
                && (source.getEndsAt() == null || epochMillis < source.getEndsAt().toEpochMilli());
    }

    public boolean matches(Series series) {
        for (CompiledMatcher m : matchers) {
            if (!m.matches(series)) {
                return false;
            }
        }
        return true;
    }
}
