package com.gds.alerting.topologies.silences;

import java.util.List;
import java.util.Map;

import com.gds.alerting.avro.Silence;
import com.gds.alerting.topologies.rules.CompiledMatcher;

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

    /** The end in epoch milliseconds, or {@code null} for maintenance mode (until deleted). */
    public Long endsAt() {
        return source.getEndsAt() == null ? null : source.getEndsAt().toEpochMilli();
    }

    /** Whether every matcher matches the alert's labels. */
    public boolean matches(Map<String, String> labels) {
        for (CompiledMatcher m : matchers) {
            if (!m.matches(labels)) {
                return false;
            }
        }
        return true;
    }
}
