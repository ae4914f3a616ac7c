package com.gds.alerting.collectors.postgres;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * How much each cumulative counter grew since the previous cycle. Nothing on a counter's first
 * cycle, after a reset (the counter went down: a stats reset, a restart, a restore) or when it
 * was not read; the next cycle measures from the new value.
 */
final class CounterDeltas {

    private final Map<String, Double> previous = new HashMap<>();

    OptionalDouble delta(String key, double value) {
        if (Double.isNaN(value)) {
            previous.remove(key);
            return OptionalDouble.empty();
        }
        Double before = previous.put(key, value);
        if (before == null || value < before) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(value - before);
    }
}
