package com.gds.alerting.collectors.source;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import com.gds.alerting.collectors.mongodb.MongoCollector;
import com.gds.alerting.collectors.mssql.SqlServerCollector;
import com.gds.alerting.collectors.postgres.PostgresCollector;
import com.gds.alerting.collectors.snowflake.SnowflakeCollector;

/** The database types the agent collects from, with the metric names each can publish. */
public enum DatabaseType {
    POSTGRESQL("postgresql", "url", PostgresCollector.METRICS),
    MSSQL("mssql", "url", SqlServerCollector.METRICS),
    MONGODB("mongodb", "uri", MongoCollector.METRICS),
    SNOWFLAKE("snowflake", "url", SnowflakeCollector.METRICS);

    /** Published by every cycle of every type. */
    public static final String UP = "up";
    /** Published by every cycle of every type. */
    public static final String COLLECTION_DURATION_MS = "collection_duration_ms";

    private final String id;
    private final String addressKey;
    private final Set<String> metrics;

    DatabaseType(String id, String addressKey, Set<String> metrics) {
        this.id = id;
        this.addressKey = addressKey;
        this.metrics = metrics;
    }

    /** The {@code database_type} value and topic part, e.g. {@code postgresql}. */
    public String id() {
        return id;
    }

    /** The connection key that holds the address: {@code url} (JDBC) or {@code uri}. */
    public String addressKey() {
        return addressKey;
    }

    /** Every metric name this type's collector can publish, besides {@code up} and the duration. */
    public Set<String> metrics() {
        return metrics;
    }

    public static Optional<DatabaseType> byId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }
}
