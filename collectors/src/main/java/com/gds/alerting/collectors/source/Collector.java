package com.gds.alerting.collectors.source;

import java.util.List;

/**
 * Reads one database's metrics, one cycle at a time. One instance per target; it may keep a
 * connection between cycles. Called by one thread at a time.
 */
public interface Collector extends AutoCloseable {

    /**
     * Reads this cycle's values.
     *
     * @throws Exception when the database did not answer (the cycle then reports {@code up = 0})
     */
    List<Sample> collect() throws Exception;

    /** Releases the connection; the next {@link #collect()} reconnects. */
    @Override
    void close();
}
