package com.gds.alerting.collectors.spool;

/**
 * A place in the spool: a segment and a byte offset in it. Ordered.
 *
 * @param segment segment sequence number
 * @param offset  byte offset inside the segment
 */
public record SpoolPosition(long segment, long offset) implements Comparable<SpoolPosition> {

    @Override
    public int compareTo(SpoolPosition o) {
        int c = Long.compare(segment, o.segment);
        return c != 0 ? c : Long.compare(offset, o.offset);
    }
}
