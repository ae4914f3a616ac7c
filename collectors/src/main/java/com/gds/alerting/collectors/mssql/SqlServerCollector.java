package com.gds.alerting.collectors.mssql;

import java.util.Set;

/** Placeholder while the core lands. */
public final class SqlServerCollector {
    public static final Set<String> METRICS = Set.of();
}
