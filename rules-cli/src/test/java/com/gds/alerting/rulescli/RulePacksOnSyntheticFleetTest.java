package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.collectors.synthetic.Incident;
import com.gds.alerting.collectors.synthetic.SyntheticFleet;
import com.gds.alerting.rulescli.backtest.Backtest;
import com.gds.alerting.rulescli.backtest.Replay;
import com.gds.alerting.rulescli.rules.RuleChecker;

/**
 * The rule packs speak the collectors' metric names (docs/collectors.md), and so does the synthetic
 * fleet of the local stack: the packs select its series, and its incidents fire the pack rules
 * written for them.
 */
class RulePacksOnSyntheticFleetTest {

    private static final Path PACKS = Path.of(System.getProperty("gds.rules.packs", "../rules/packs"));
    private static final Set<String> TYPES = Set.of("postgresql", "mssql", "mongodb", "snowflake");
    private static final Duration INTERVAL = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    /**
     * Pack metrics the real collectors publish but the synthetic fleet does not simulate. The test
     * fails when one of these appears in the fleet (drop it from here) or another goes missing.
     */
    private static final Set<String> NOT_SIMULATED = Set.of(
            "postgresql idle_in_transaction_oldest_seconds", "postgresql replication_slot_retained_wal_bytes",
            "postgresql replication_slot_safe_wal_size_bytes",
            "mssql blocked_longest_wait_seconds", "mongodb replica_set_members_unhealthy",
            "mongodb wiredtiger_cache_used_ratio", "snowflake failed_logins_15m", "snowflake failed_queries_15m",
            "postgresql wal_receiver_streaming", "postgresql replication_slot_wal_status", "postgresql replication_slot_active",
            "postgresql collector_permission_ok", "postgresql uptime_seconds", "postgresql role_changed",
            "postgresql collection_failed", "mssql collection_failed", "mongodb collection_failed", "snowflake collection_failed",
            "mssql collector_permission_ok", "mssql databases_unhealthy", "mssql ag_replicas_not_healthy",
            "mssql ag_databases_not_healthy", "mssql databases_log_reuse_blocked", "mssql backup_full_oldest_age_seconds",
            "mssql backup_log_oldest_age_seconds", "mssql agent_jobs_failed", "mssql worker_threads_active",
            "mssql worker_threads_max",
            "mssql deadlocks_per_second", "mssql longest_query_seconds",
            "snowflake collector_permission_ok", "snowflake resource_monitor_used_ratio_max", "snowflake tasks_failing",
            "snowflake pipes_failing",
            "postgresql expected_standbys_missing", "postgresql prepared_transaction_oldest_seconds",
            "postgresql prepared_transaction_xmin_age", "postgresql replication_slot_xmin_age", "postgresql backend_xmin_age",
            "postgresql standby_feedback_xmin_age", "postgresql multixact_wraparound_age", "postgresql tables_autovacuum_overdue",
            "postgresql wal_bytes_per_second", "postgresql archiver_failing", "mongodb replica_set_has_primary",
            "mongodb primary_changed", "mongodb wiredtiger_tickets_available", "mongodb operation_longest_seconds",
            "mongodb collector_permission_ok");

    private static List<Rule> packs;

    @BeforeAll
    static void readPacks() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(PACKS)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
        RuleChecker.Result result = RuleChecker.check(files);
        assertFalse(result.diagnostics().hasErrors(), result.diagnostics().sorted().toString());
        packs = result.records();
    }

    @Test
    void theFleetEmitsEveryPackMetricForTheDatabaseTypesItsRuleSelects() {
        SyntheticFleet fleet = new SyntheticFleet(new Random(7), 4, 0);
        Set<String> emitted = fleet.cycle(T0, INTERVAL).metrics().stream()
                .map(m -> m.getDatabaseType() + " " + m.getMetricName()).collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>();
        for (Rule rule : packs) {
            for (String type : types(rule)) {
                // An expression rule reads every metric its expression selects.
                for (String metric : com.gds.alerting.topologies.rules.CompiledRule.compile(rule).metricNames()) {
                    String wanted = type + " " + metric;
                    if (!emitted.contains(wanted)) {
                        missing.add(wanted);
                    }
                }
            }
        }
        assertEquals(new TreeSet<>(NOT_SIMULATED), missing, "pack metrics the synthetic fleet does not emit");
    }

    /** The database types a pack rule selects, from its database_type matchers (= or !=). */
    private static Set<String> types(Rule rule) {
        Set<String> types = new TreeSet<>(TYPES);
        for (Matcher m : rule.getSelector().getMatchers()) {
            if (m.getLabel().equals("database_type") && m.getOp() == MatchOp.EQ) {
                types.retainAll(Set.of(m.getValue()));
            } else if (m.getLabel().equals("database_type") && m.getOp() == MatchOp.NEQ) {
                types.remove(m.getValue());
            }
        }
        return types;
    }

    /**
     * 5 instances per type, 60 cycles of 30s; from the 10th cycle, one incident of each kind the
     * fleet simulates on instances where a pack rule watches for it. Exactly the rules written for
     * those incidents fire, on exactly those instances: nothing fires on the healthy noise.
     */
    @Test
    void theFleetsIncidentsFireThePackRulesWrittenForThem() {
        SyntheticFleet fleet = new SyntheticFleet(new Random(11), 5, 0);
        List<Metric> samples = new ArrayList<>();
        Instant t = T0;
        for (int cycle = 0; cycle < 60; cycle++) {
            if (cycle == 10) {
                fleet.startIncident("pg-prod-01", Incident.Kind.INSTANCE_DOWN, 12);
                fleet.startIncident("sf-prod-01", Incident.Kind.INSTANCE_DOWN, 12);
                fleet.startIncident("pg-prod-02", Incident.Kind.CONNECTION_SPIKE, 12);
                fleet.startIncident("sql-prod-02", Incident.Kind.CONNECTION_SPIKE, 12);
                fleet.startIncident("mongo-prod-02", Incident.Kind.CONNECTION_SPIKE, 12);
                fleet.startIncident("pg-prod-04", Incident.Kind.REPLICATION_LAG, 12);   // index 4: the replicas
                fleet.startIncident("sql-prod-04", Incident.Kind.REPLICATION_LAG, 12);
                fleet.startIncident("mongo-prod-04", Incident.Kind.REPLICATION_LAG, 12);
                fleet.startIncident("pg-prod-05", Incident.Kind.LONG_RUNNING_QUERY, 40); // > 600 s after 20 cycles
            }
            samples.addAll(fleet.cycle(t, INTERVAL).metrics());
            t = t.plus(INTERVAL);
        }

        Replay replay = Backtest.replay(packs, samples, t);

        Map<String, Long> incidents = new TreeMap<>();
        replay.histories().values().forEach(h -> {
            if (!h.incidents().isEmpty()) {
                incidents.merge(h.ruleId() + " " + h.instanceId(), (long) h.incidents().size(), Long::sum);
            }
        });
        Map<String, Long> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("fleet-database-down pg-prod-01", 1L),
                Map.entry("fleet-database-down sf-prod-01", 1L),
                Map.entry("fleet-availability-slo pg-prod-01", 1L),
                Map.entry("pg-connections-saturated pg-prod-02", 1L),
                Map.entry("mssql-connections-saturated sql-prod-02", 1L),
                Map.entry("mongo-connections-saturated mongo-prod-02", 1L),
                Map.entry("pg-replication-lag pg-prod-04", 1L),
                Map.entry("mssql-ag-secondary-lag sql-prod-04", 1L),
                Map.entry("mongo-replication-lag mongo-prod-04", 1L),
                Map.entry("pg-long-transaction pg-prod-05", 1L)));
        assertEquals(expected, incidents);
    }
}
