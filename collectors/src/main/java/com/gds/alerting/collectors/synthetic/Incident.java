package com.gds.alerting.collectors.synthetic;

/**
 * Something going wrong on one synthetic instance for a while, so the alerting has something to
 * find.
 *
 * @param kind       what goes wrong
 * @param cyclesLeft collection cycles until it is over
 */
public record Incident(Kind kind, int cyclesLeft) {

    /** The incidents the generator knows. */
    public enum Kind {
        /** connections_used_ratio jumps to 0.92-0.99 (pool exhaustion, a connection leak). */
        CONNECTION_SPIKE,
        /** replication lag (SQL Server: AG secondary lag) climbs by tens of seconds per cycle (a replica falls behind). */
        REPLICATION_LAG,
        /** the database stops answering: up = 0 and no other metric. */
        INSTANCE_DOWN,
        /** one transaction or query runs for a very long time. */
        LONG_RUNNING_QUERY
    }

    Incident nextCycle() {
        return new Incident(kind, cyclesLeft - 1);
    }

    boolean over() {
        return cyclesLeft <= 0;
    }
}
