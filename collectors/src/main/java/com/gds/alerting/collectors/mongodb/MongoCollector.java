package com.gds.alerting.collectors.mongodb;

import java.util.Set;

/** Placeholder while the core lands. */
public final class MongoCollector {
    public static final Set<String> METRICS = Set.of();
}
