package com.gds.alerting.collectors.snowflake;

import java.util.Set;

/** Placeholder while the core lands. */
public final class SnowflakeCollector {
    public static final Set<String> METRICS = Set.of();
}
