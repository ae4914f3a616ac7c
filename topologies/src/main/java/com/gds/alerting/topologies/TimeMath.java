package com.gds.alerting.topologies;

/**
 * Arithmetic on epoch milliseconds that saturates instead of wrapping. Durations are bounded at
 * validation ({@code RuleValidator.MAX_DURATION_MS}), but a time computed from a record that got
 * past it (an old rule on the compacted topic, say) must never wrap to a negative timer key that
 * fires at once and again and again.
 */
public final class TimeMath {

    private TimeMath() {
    }

    /** {@code at + duration}, or {@link Long#MAX_VALUE} / {@link Long#MIN_VALUE} where that would overflow. */
    public static long plus(long at, long duration) {
        long sum = at + duration;
        // Overflow iff both operands have the sign opposite to the sum's.
        if (((at ^ sum) & (duration ^ sum)) < 0) {
            return duration > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return sum;
    }
}
