package com.gds.alerting.collectors.config;

import java.time.Duration;
import java.util.List;

/**
 * A target's type-specific settings, the {@code options} block of a target. Each has a default,
 * so a target without the block collects everything it can.
 *
 * @param expectedStandbys       PostgreSQL: the {@code application_name}s that must be in
 *                               {@code pg_stat_replication}; empty = no expectation
 * @param autovacuumOverdueAfter PostgreSQL: a table whose dead tuples exceed autovacuum's threshold
 *                               and that was not vacuumed for this long counts as overdue
 * @param topStatements          PostgreSQL: how many statements of {@code pg_stat_statements}
 *                               (by total execution time) to publish; 0 = none
 * @param longRunningOperation   MongoDB: an operation running at least this long counts as long-running
 */
public record TargetOptions(List<String> expectedStandbys, Duration autovacuumOverdueAfter, int topStatements,
                            Duration longRunningOperation) {

    public static final Duration DEFAULT_AUTOVACUUM_OVERDUE_AFTER = Duration.ofDays(1);
    public static final int DEFAULT_TOP_STATEMENTS = 5;
    public static final Duration DEFAULT_LONG_RUNNING_OPERATION = Duration.ofSeconds(60);

    /** Every option at its default. */
    public static final TargetOptions DEFAULTS = new TargetOptions(List.of(), DEFAULT_AUTOVACUUM_OVERDUE_AFTER,
            DEFAULT_TOP_STATEMENTS, DEFAULT_LONG_RUNNING_OPERATION);

    public TargetOptions {
        expectedStandbys = List.copyOf(expectedStandbys);
    }
}
