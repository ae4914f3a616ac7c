package com.gds.alerting.importer.warehouse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.gds.alerting.importer.decode.AlertEventRow;
import com.gds.alerting.importer.decode.MetricRow;
import com.gds.alerting.importer.decode.TagMap;

/**
 * Turns one batch of decoded records into staging rows of the star schema: facts deduplicated
 * on their natural key (a batch may hold a record twice after a producer retry or a replay),
 * dimensions aggregated to one row per instance and per metric.
 *
 * <p>Surrogate keys are cached across batches: the fleet has thousands of instances and metric
 * names, not millions.
 */
public final class StarRowsBuilder {

    private static final int KEY_CACHE_LIMIT = 100_000;

    private final Map<String, Long> instanceKeys = new HashMap<>();
    private final Map<String, Long> metricKeys = new HashMap<>();

    private final Map<String, InstanceSeen> instances = new LinkedHashMap<>();
    private final Map<String, Long> metrics = new LinkedHashMap<>();
    private final Set<MetricFactKey> metricFactKeys = new HashSet<>();
    private final List<Object[]> metricFacts = new ArrayList<>();
    private final Set<AlertFactKey> alertFactKeys = new HashSet<>();
    private final List<Object[]> alertFacts = new ArrayList<>();

    /** Adds a metric (a duplicate of one already added is dropped). */
    public void add(MetricRow m) {
        long instanceKey = instanceKey(m.instanceId());
        long metricKey = metricKey(m.metricName());
        if (!metricFactKeys.add(new MetricFactKey(instanceKey, metricKey, m.timestampMillis()))) {
            return;
        }
        metricFacts.add(new Object[] {m.timestampMillis(), instanceKey, metricKey, m.value(), m.correlationId()});
        instances.computeIfAbsent(m.instanceId(), id -> new InstanceSeen(instanceKey, id))
                .see(m.timestampMillis(), m.databaseType(), m.tag("environment"), m.tag("region"), m.tags());
        metrics.putIfAbsent(m.metricName(), metricKey);
    }

    /** Adds an alert event (a duplicate of one already added is dropped). */
    public void add(AlertEventRow e) {
        if (!alertFactKeys.add(new AlertFactKey(e.alertKey(), e.incident(), e.transition(), e.reminderNumber(),
                e.updatedAtMillis()))) {
            return;
        }
        long instanceKey = instanceKey(e.instanceId());
        long metricKey = metricKey(e.metricName());
        alertFacts.add(new Object[] {e.alertKey(), e.incident(), e.transition(), e.reminderNumber(),
                e.updatedAtMillis(), e.messageId(), e.ruleId(), instanceKey, metricKey, e.severity(), e.state(),
                e.previousState(), e.startedAtMillis(), e.value(), e.threshold(), e.acknowledgedBy(),
                e.acknowledgedAtMillis(), e.resolvedBy(), e.suppressedBy(), e.routingKey(), Json.object(e.labels())});
        // An alert may name an instance no metric has reached the warehouse for yet; tags stay unknown.
        instances.computeIfAbsent(e.instanceId(), id -> new InstanceSeen(instanceKey, id))
                .see(e.updatedAtMillis(), e.databaseType(), e.environment(), null, null);
        metrics.putIfAbsent(e.metricName(), metricKey);
    }

    /** Facts added since the last {@link #build()}. */
    public int factCount() {
        return metricFacts.size() + alertFacts.size();
    }

    /** The staging rows of everything added, and a fresh start for the next batch. */
    public StagedRows build() {
        Map<TableSpec, List<Object[]>> rows = new HashMap<>();
        rows.put(StarSchema.DIM_INSTANCE, instances.values().stream().map(InstanceSeen::row).toList());
        rows.put(StarSchema.DIM_METRIC, metrics.entrySet().stream()
                .map(e -> new Object[] {e.getValue(), e.getKey(), MetricUnits.of(e.getKey())}).toList());
        rows.put(StarSchema.FACT_METRIC, new ArrayList<>(metricFacts));
        rows.put(StarSchema.FACT_ALERT_EVENT, new ArrayList<>(alertFacts));
        StagedRows staged = new StagedRows(rows);
        instances.clear();
        metrics.clear();
        metricFactKeys.clear();
        metricFacts.clear();
        alertFactKeys.clear();
        alertFacts.clear();
        return staged;
    }

    private long instanceKey(String instanceId) {
        return cached(instanceKeys, instanceId, SurrogateKeys::instance);
    }

    private long metricKey(String metricName) {
        return cached(metricKeys, metricName, SurrogateKeys::metric);
    }

    private static long cached(Map<String, Long> cache, String id, java.util.function.ToLongFunction<String> hash) {
        Long key = cache.get(id);
        if (key == null) {
            if (cache.size() >= KEY_CACHE_LIMIT) {
                cache.clear();
            }
            key = hash.applyAsLong(id);
            cache.put(id, key);
        }
        return key;
    }

    private record MetricFactKey(long instanceKey, long metricKey, long timestampMillis) {
    }

    private record AlertFactKey(String alertKey, long incident, String transition, int reminderNumber, long updatedAt) {
    }

    /** One instance's dimension row, aggregated over a batch: latest attributes by event time. */
    private static final class InstanceSeen {
        final long key;
        final String id;
        String databaseType;
        String environment;
        String region;
        Map<?, ?> tags;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long attributesAt = Long.MIN_VALUE;

        InstanceSeen(long key, String id) {
            this.key = key;
            this.id = id;
        }

        void see(long at, String databaseType, String environment, String region, Map<?, ?> tags) {
            first = Math.min(first, at);
            last = Math.max(last, at);
            if (at >= attributesAt) {
                attributesAt = at;
                this.databaseType = databaseType != null ? databaseType : this.databaseType;
                this.environment = environment != null ? environment : this.environment;
                this.region = region != null ? region : this.region;
                this.tags = tags != null ? tags : this.tags;
            }
        }

        Object[] row() {
            return new Object[] {key, id, databaseType, environment, region, tags == null ? null : Json.object(TagMap.sorted(tags)), first, last};
        }
    }
}
