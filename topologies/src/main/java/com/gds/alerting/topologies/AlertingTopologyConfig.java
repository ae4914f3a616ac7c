package com.gds.alerting.topologies;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import com.gds.alerting.contract.GdsTopics;

/**
 * Everything the alerting topology is built from, typed: topic names, the Avro serde
 * configuration (registry URL and the rest), the store kind, and the wall-clock tick that drives
 * reminders, escalation and rule reconciliation. The service, the rule test runner and the
 * benchmark all build the topology from one of these.
 *
 * @param topics              topic names
 * @param serdeConfig         Avro serde configuration ({@code schema.registry.url}, ...)
 * @param storeKind           RocksDB or in-memory stores
 * @param punctuationInterval how often (wall clock) timers and rule changes are looked at
 * @param maxTimersPerTick    at most this many due timers are handled per tick; the rest next tick
 * @param commandPartitions   partitions of the commands repartition topic; {@code null} = as many as
 *                            the commands topic has. Must equal the partition count of the metrics
 *                            topics, or commands reach the wrong task.
 * @param maxClockSkew        a metric measured further ahead of the wall clock than this is
 *                            dead-lettered ({@code FUTURE_TIMESTAMP}); keep it well below the
 *                            brokers' {@code log.message.timestamp.after.max.ms} (1 h by default)
 * @param absenceRetention    how long an absence rule keeps tracking a silent instance before it
 *                            forgets it (and resolves its absence alert), unless the rule sets
 *                            {@code absence.forget_after_ms}
 * @param resolvedRetention   how long the state of a RESOLVED alert is kept after its resolution
 *                            before it is deleted from the {@code alert-state} store (an incident
 *                            opened later on that key starts again at incident 1; its message ids
 *                            differ from the old ones by the incident's start time)
 */
public record AlertingTopologyConfig(GdsTopics topics, Map<String, ?> serdeConfig, StoreKind storeKind,
                                     Duration punctuationInterval, int maxTimersPerTick, Integer commandPartitions,
                                     Duration maxClockSkew, Duration absenceRetention,
                                     Duration resolvedRetention) {

    public AlertingTopologyConfig {
        Objects.requireNonNull(topics, "topics");
        serdeConfig = Map.copyOf(Objects.requireNonNull(serdeConfig, "serdeConfig"));
        Objects.requireNonNull(storeKind, "storeKind");
        if (punctuationInterval == null || punctuationInterval.isNegative() || punctuationInterval.isZero()) {
            throw new IllegalArgumentException("punctuationInterval must be positive, got " + punctuationInterval);
        }
        if (maxTimersPerTick <= 0) {
            throw new IllegalArgumentException("maxTimersPerTick must be positive, got " + maxTimersPerTick);
        }
        if (commandPartitions != null && commandPartitions <= 0) {
            throw new IllegalArgumentException("commandPartitions must be positive, got " + commandPartitions);
        }
        if (maxClockSkew == null || maxClockSkew.isNegative()) {
            throw new IllegalArgumentException("maxClockSkew must be zero or positive, got " + maxClockSkew);
        }
        if (absenceRetention == null || absenceRetention.isNegative() || absenceRetention.isZero()) {
            throw new IllegalArgumentException("absenceRetention must be positive, got " + absenceRetention);
        }
        if (resolvedRetention == null || resolvedRetention.isNegative() || resolvedRetention.isZero()) {
            throw new IllegalArgumentException("resolvedRetention must be positive, got " + resolvedRetention);
        }
    }

    /**
     * Defaults: the contract's topic names, RocksDB, a 1 s tick, 10,000 timers per tick, 5 min clock
     * skew, silent instances forgotten by absence rules after 7 days, resolved alerts deleted 7 days
     * after their resolution.
     */
    public static AlertingTopologyConfig defaults(Map<String, ?> serdeConfig) {
        return new AlertingTopologyConfig(GdsTopics.defaults(), serdeConfig, StoreKind.PERSISTENT, Duration.ofSeconds(1),
                10_000, null, Duration.ofMinutes(5), Duration.ofDays(7), Duration.ofDays(7));
    }

    public AlertingTopologyConfig withTopics(GdsTopics value) {
        return new AlertingTopologyConfig(value, serdeConfig, storeKind, punctuationInterval, maxTimersPerTick, commandPartitions, maxClockSkew, absenceRetention, resolvedRetention);
    }

    public AlertingTopologyConfig withStoreKind(StoreKind value) {
        return new AlertingTopologyConfig(topics, serdeConfig, value, punctuationInterval, maxTimersPerTick, commandPartitions, maxClockSkew, absenceRetention, resolvedRetention);
    }

    public AlertingTopologyConfig withPunctuationInterval(Duration value) {
        return new AlertingTopologyConfig(topics, serdeConfig, storeKind, value, maxTimersPerTick, commandPartitions, maxClockSkew, absenceRetention, resolvedRetention);
    }

    public AlertingTopologyConfig withCommandPartitions(Integer value) {
        return new AlertingTopologyConfig(topics, serdeConfig, storeKind, punctuationInterval, maxTimersPerTick, value, maxClockSkew, absenceRetention, resolvedRetention);
    }

    public AlertingTopologyConfig withMaxClockSkew(Duration value) {
        return new AlertingTopologyConfig(topics, serdeConfig, storeKind, punctuationInterval, maxTimersPerTick, commandPartitions, value, absenceRetention, resolvedRetention);
    }

    public AlertingTopologyConfig withAbsenceRetention(Duration value) {
        return new AlertingTopologyConfig(topics, serdeConfig, storeKind, punctuationInterval, maxTimersPerTick, commandPartitions,
                maxClockSkew, value, resolvedRetention);
    }

    public AlertingTopologyConfig withResolvedRetention(Duration value) {
        return new AlertingTopologyConfig(topics, serdeConfig, storeKind, punctuationInterval, maxTimersPerTick, commandPartitions,
                maxClockSkew, absenceRetention, value);
    }
}
