package com.gds.alerting.collectors.mongodb;

import java.util.Objects;
import java.util.Optional;

/**
 * Elections and primary changes, seen from one member across cycles. Every election raises the
 * replica set's {@code term} (also a failed one, or one the same member wins again), so a term that
 * grew since the previous cycle, or a primary that is now another member, is a change. The first
 * cycle has nothing to compare with and says nothing.
 */
final class PrimaryTracker {

    private Long lastTerm;
    private String lastPrimary;
    private boolean seen;

    /**
     * @param term    {@code replSetGetStatus.term}, null when the server does not report it
     * @param primary the name of the member in state PRIMARY, null when there is none
     * @return whether an election or a primary change happened since the previous cycle; empty on
     *         the first cycle
     */
    Optional<Boolean> changed(Long term, String primary) {
        Optional<Boolean> out = Optional.empty();
        if (seen) {
            boolean termGrew = term != null && lastTerm != null && term > lastTerm;
            boolean otherPrimary = primary != null && lastPrimary != null && !Objects.equals(primary, lastPrimary);
            out = Optional.of(termGrew || otherPrimary);
        }
        seen = true;
        lastTerm = term != null ? term : lastTerm;
        lastPrimary = primary != null ? primary : lastPrimary;
        return out;
    }
}
