package com.gds.alerting.collectors.config;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import com.gds.alerting.collectors.source.DatabaseType;

/**
 * One database to collect from.
 *
 * @param type         which collector
 * @param instanceId   the record key and {@code instance_id} of every metric
 * @param environment  the topic's environment part and the {@code environment} tag
 * @param connection   how to reach it: {@code url} (JDBC) or {@code uri} (MongoDB) plus driver
 *                     properties; never a password
 * @param credentials  user and password reference, or null
 * @param interval     time between cycle starts
 * @param queryTimeout limit for connecting and for each query
 * @param metrics      metric names to publish; empty = all ({@code up} and {@code
 *                     collection_duration_ms} are always published)
 * @param tags         extra tags on every metric (environment is added)
 * @param line         line of the target in the configuration file, for messages
 * @param connectionLimit the sessions the target is meant to allow ({@code connection_limit}; SQL
 *                     Server only, where it wins over the server's {@code user connections}); null = none given
 * @param options      type-specific settings ({@code options:}); {@link TargetOptions#DEFAULTS} when absent
 */
public record TargetConfig(DatabaseType type, String instanceId, String environment, Map<String, String> connection,
                           Credentials credentials, Duration interval, Duration queryTimeout, Set<String> metrics,
                           Map<String, String> tags, int line, Integer connectionLimit, TargetOptions options) {

    public TargetConfig {
        connection = Map.copyOf(connection);
        options = options == null ? TargetOptions.DEFAULTS : options;
        metrics = Set.copyOf(metrics);
        tags = Map.copyOf(tags);
    }

    /** A target without a {@code connection_limit} or {@code options}. */
    public TargetConfig(DatabaseType type, String instanceId, String environment, Map<String, String> connection,
                        Credentials credentials, Duration interval, Duration queryTimeout, Set<String> metrics,
                        Map<String, String> tags, int line) {
        this(type, instanceId, environment, connection, credentials, interval, queryTimeout, metrics, tags, line, null, null);
    }

    /** A target with a {@code connection_limit} and no {@code options}. */
    public TargetConfig(DatabaseType type, String instanceId, String environment, Map<String, String> connection,
                        Credentials credentials, Duration interval, Duration queryTimeout, Set<String> metrics,
                        Map<String, String> tags, int line, Integer connectionLimit) {
        this(type, instanceId, environment, connection, credentials, interval, queryTimeout, metrics, tags, line,
                connectionLimit, null);
    }

    /** A target with {@code options} and no {@code connection_limit}. */
    public TargetConfig(DatabaseType type, String instanceId, String environment, Map<String, String> connection,
                        Credentials credentials, Duration interval, Duration queryTimeout, Set<String> metrics,
                        Map<String, String> tags, int line, TargetOptions options) {
        this(type, instanceId, environment, connection, credentials, interval, queryTimeout, metrics, tags, line, null,
                options);
    }

    /** Whether a metric of this name is to be published. */
    public boolean selects(String metricName) {
        return metrics.isEmpty() || metrics.contains(metricName);
    }
}
