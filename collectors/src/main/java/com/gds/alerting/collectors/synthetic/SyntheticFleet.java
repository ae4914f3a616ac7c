package com.gds.alerting.collectors.synthetic;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;

/**
 * A fleet of fake PostgreSQL, SQL Server, MongoDB and Snowflake instances whose metrics look like
 * the real thing: gauges wander around healthy baselines, counters grow, and now and then an
 * incident (a connection spike, a replica falling behind, an instance going down, a query that
 * never ends) gives the alerting something to find.
 *
 * <p>Deterministic for a given {@link Random} seed, and time is passed in, so tests are exact.
 * Not thread-safe: one caller drives the cycles.
 */
public final class SyntheticFleet {

    /** Reported in {@code metadata.version}. */
    public static final String COLLECTOR_VERSION = "synthetic/1";

    private static final double REVERSION = 0.3;
    private static final String[] REGIONS = {"eu-west-1", "us-east-1"};
    private static final String[] DATABASES = {"orders", "billing", "catalog", "events"};

    private final Random random;
    private final double incidentProbability;
    private final List<Instance> instances = new ArrayList<>();

    /**
     * @param random              source of all randomness
     * @param instancesPerType    instances of each database type
     * @param incidentProbability chance per instance per cycle that an incident starts
     */
    public SyntheticFleet(Random random, int instancesPerType, double incidentProbability) {
        if (instancesPerType < 1) {
            throw new IllegalArgumentException("instancesPerType must be at least 1, got " + instancesPerType);
        }
        if (incidentProbability < 0 || incidentProbability > 1) {
            throw new IllegalArgumentException("incidentProbability must be in [0, 1], got " + incidentProbability);
        }
        this.random = random;
        this.incidentProbability = incidentProbability;
        for (DatabaseProfile profile : DatabaseProfile.values()) {
            for (int i = 1; i <= instancesPerType; i++) {
                instances.add(new Instance(profile, i));
            }
        }
    }

    /** The (database type, environment) pairs the fleet publishes to. */
    public List<Map.Entry<String, String>> topicsUsed() {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        for (Instance instance : instances) {
            Map.Entry<String, String> pair = Map.entry(instance.profile.databaseType(), instance.environment);
            if (!pairs.contains(pair)) {
                pairs.add(pair);
            }
        }
        return pairs;
    }

    /** Starts {@code kind} on {@code instanceId} now, for {@code cycles} cycles (for tests and demos). */
    public void startIncident(String instanceId, Incident.Kind kind, int cycles) {
        Instance instance = instances.stream().filter(i -> i.id.equals(instanceId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no synthetic instance " + instanceId));
        instance.incident = new Incident(kind, cycles);
    }

    /**
     * One collection cycle of every instance at {@code now}, {@code interval} after the previous
     * one: every instance reports {@code up} and {@code collection_duration_ms}, and, when it is
     * up, its other metrics.
     */
    public Cycle cycle(Instant now, Duration interval) {
        double seconds = interval.toMillis() / 1000.0;
        List<Metric> metrics = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        for (Instance instance : instances) {
            instance.advanceIncident(notices);
            instance.collect(now, seconds, metrics);
        }
        return new Cycle(metrics, notices);
    }

    /**
     * What one cycle produced.
     *
     * @param metrics every metric of every instance
     * @param notices human-readable lines about incidents that started or ended
     */
    public record Cycle(List<Metric> metrics, List<String> notices) {
    }

    private final class Instance {
        final DatabaseProfile profile;
        final String id;
        final String environment;
        final boolean replica;
        final Map<String, String> tags;
        final Map<String, Double> values = new HashMap<>();
        Incident incident;

        Instance(DatabaseProfile profile, int index) {
            this.profile = profile;
            this.environment = index % 3 == 0 ? "staging" : "prod";
            this.id = String.format("%s-%s-%02d", profile.instancePrefix(), environment, index);
            this.replica = profile.hasReplicas() && index % 4 == 0;
            this.tags = Map.of(
                    "environment", environment,
                    "region", REGIONS[index % REGIONS.length],
                    "role", replica ? "replica" : "primary",
                    "database", DATABASES[index % DATABASES.length],
                    "team", index % 2 == 0 ? "data-platform" : "dba-core");
            resetValues();
        }

        void resetValues() {
            for (MetricShape shape : profile.metrics()) {
                values.put(shape.name(), shape.counter() ? 0.0 : shape.baseline());
            }
        }

        void advanceIncident(List<String> notices) {
            if (incident != null) {
                incident = incident.nextCycle();
                if (incident.over()) {
                    notices.add(id + ": " + describe(incident.kind()) + " is over");
                    if (incident.kind() == Incident.Kind.INSTANCE_DOWN) {
                        resetValues(); // a restarted database starts its counters from zero
                    }
                    incident = null;
                }
                return;
            }
            if (random.nextDouble() < incidentProbability) {
                Incident.Kind kind = pickKind();
                int cycles = 12 + random.nextInt(36);
                incident = new Incident(kind, cycles);
                notices.add(id + ": " + describe(kind) + " for " + cycles + " cycles");
            }
        }

        Incident.Kind pickKind() {
            List<Incident.Kind> possible = new ArrayList<>(List.of(Incident.Kind.CONNECTION_SPIKE,
                    Incident.Kind.INSTANCE_DOWN, Incident.Kind.LONG_RUNNING_QUERY));
            if (replica) {
                possible.add(Incident.Kind.REPLICATION_LAG);
            }
            if (profile == DatabaseProfile.SNOWFLAKE) {
                possible.remove(Incident.Kind.CONNECTION_SPIKE);
            }
            return possible.get(random.nextInt(possible.size()));
        }

        String describe(Incident.Kind kind) {
            return switch (kind) {
                case CONNECTION_SPIKE -> "connection spike";
                case REPLICATION_LAG -> "replication lag";
                case INSTANCE_DOWN -> "instance down";
                case LONG_RUNNING_QUERY -> "long-running query";
            };
        }

        void collect(Instant now, double seconds, List<Metric> out) {
            String correlationId = new UUID(random.nextLong(), random.nextLong()).toString();
            boolean down = incident != null && incident.kind() == Incident.Kind.INSTANCE_DOWN;
            long durationMs = down ? 5_000 : 3 + random.nextInt(40);
            MetricMetadata metadata = new MetricMetadata(durationMs, COLLECTOR_VERSION, correlationId);
            out.add(metric(now, "up", down ? 0 : 1, metadata));
            out.add(metric(now, "collection_duration_ms", durationMs, metadata));
            if (down) {
                return;
            }
            for (MetricShape shape : profile.metrics()) {
                if (shape.replicaOnly() && !replica) {
                    continue;
                }
                double value = next(shape, values.get(shape.name()), seconds);
                values.put(shape.name(), value);
                out.add(metric(now, shape.name(), value, metadata));
            }
        }

        double next(MetricShape shape, double current, double seconds) {
            if (shape.counter()) {
                double increase = Math.max(0, shape.baseline() * seconds + random.nextGaussian() * shape.noise() * seconds);
                return Math.floor(current + increase);
            }
            Incident.Kind kind = incident == null ? null : incident.kind();
            String name = shape.name();
            if (kind == Incident.Kind.CONNECTION_SPIKE && name.equals("connections_used_ratio")) {
                return 0.92 + 0.07 * random.nextDouble();
            }
            if (kind == Incident.Kind.REPLICATION_LAG && (name.equals("replication_lag_seconds")
                    || name.equals("ag_secondary_lag_seconds"))) {
                return Math.min(shape.max(), current + 15 + 30 * random.nextDouble());
            }
            if (kind == Incident.Kind.REPLICATION_LAG && name.equals("replication_lag_bytes")) {
                return Math.min(shape.max(), current + 2e7 + 4e7 * random.nextDouble());
            }
            if (kind == Incident.Kind.LONG_RUNNING_QUERY && name.startsWith("longest_")) {
                return current + seconds;
            }
            double step = REVERSION * (shape.baseline() - current) + shape.noise() * random.nextGaussian();
            return Math.max(shape.min(), Math.min(shape.max(), current + step));
        }

        Metric metric(Instant now, String name, double value, MetricMetadata metadata) {
            return Metric.newBuilder()
                    .setTimestamp(now)
                    .setDatabaseType(profile.databaseType())
                    .setInstanceId(id)
                    .setMetricName(name)
                    .setValue(value)
                    .setTags(tags)
                    .setMetadata(metadata)
                    .build();
        }
    }
}
