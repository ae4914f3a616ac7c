package com.gds.alerting.topologies.shadow;

import java.time.Instant;

import com.gds.alerting.avro.Severity;

/**
 * One stretch of time an alert fired: from its FIRED transition to its RESOLVED one.
 *
 * @param incident   the incident number on its alert key
 * @param firedAt    when it fired; {@code null} when it fired before the compared range began
 * @param resolvedAt when it resolved; {@code null} when it still fired at the end of the range
 * @param severity   the most urgent severity it reached
 */
public record FiringEpisode(long incident, Instant firedAt, Instant resolvedAt, Severity severity) {

    /** Whether the two stretches share an instant (an open end reaches past every time). */
    boolean overlaps(FiringEpisode other) {
        return before(firedAt, other.resolvedAt) && before(other.firedAt, resolvedAt);
    }

    /** {@code start <= end}, with a null start before everything and a null end after everything. */
    private static boolean before(Instant start, Instant end) {
        return start == null || end == null || !start.isAfter(end);
    }
}
