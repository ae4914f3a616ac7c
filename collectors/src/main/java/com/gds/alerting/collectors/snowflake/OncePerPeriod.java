package com.gds.alerting.collectors.snowflake;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Remembers, per series, the end of the last period published, so a lagging ACCOUNT_USAGE row read
 * again by later cycles is published once (after an agent restart the recent periods are published
 * once more, with the same timestamp and value: idempotent downstream).
 */
final class OncePerPeriod {

    private final Map<String, Instant> publishedUpTo = new HashMap<>();

    /** Whether the period of {@code key} ending at {@code end} is new; if so it counts as published. */
    boolean first(String key, Instant end) {
        Instant published = publishedUpTo.get(key);
        if (end == null || (published != null && !end.isAfter(published))) {
            return false;
        }
        publishedUpTo.put(key, end);
        return true;
    }
}
