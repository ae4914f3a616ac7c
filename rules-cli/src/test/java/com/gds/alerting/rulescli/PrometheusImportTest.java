package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code gds-rules import prometheus} on rule files in the style of the public postgres_exporter,
 * mongodb_exporter and SQL Server exporter collections: what is translated, what is refused and
 * why, and that what it writes validates.
 */
class PrometheusImportTest {

    private static final Path SAMPLES = Path.of("src/test/resources/prometheus-import");
    private static final Path MAPS = Path.of(System.getProperty("gds.rules.import", "../rules/import"));

    @TempDir
    Path dir;

    @Test
    void postgresqlRulesTranslateWhatMapsAndListTheRestWithTheirReason() throws IOException {
        CliRun run = CliRun.of("import", "prometheus", SAMPLES.resolve("postgresql.rules.yml").toString(),
                "--metric-map", MAPS.resolve("postgres_exporter.yaml").toString(), "--out", dir.toString());
        String out = run.out();
        assertEquals(1, run.exit(), run.toString());   // some rules are not translated
        assertTrue(out.contains("translated with notes  PostgresqlDown -> postgresql-down"), out);
        assertTrue(out.contains("description: removed {{ $labels }} (no counterpart in the project's templates)"), out);
        assertTrue(out.contains("not translated         PostgresqlTooManyConnections: needs an expr rule"
                + " (the importer translates a selector against a number"), out);
        assertTrue(out.contains("translated with notes  PostgresqlReplicationLag -> postgresql-replication-lag"), out);
        assertTrue(out.contains("not translated         PostgresqlHighDeadTuples: needs an expr rule"), out);
        assertTrue(out.contains("not translated         PostgresqlHighRollbackRate: needs an expr rule"), out);
        assertTrue(out.contains("translated             PostgresqlDatabaseTooBig -> postgresql-database-too-big"), out);
        assertTrue(out.contains("not translated         PostgresqlRestarted: needs an expr rule"), out);
        assertTrue(out.contains("not translated         PostgresqlExporterGone: absent() fires when no series of the whole selector exists"), out);
        assertTrue(out.contains("not translated         PostgresqlMaxConnectionsLow: matcher job=\"postgres\": Prometheus' target label job has no counterpart"), out);
        assertTrue(out.contains("not translated         PostgresqlLongTransaction: pg_stat_activity_max_tx_duration is not mapped: per database and state"), out);
        assertTrue(out.contains("not translated         pg:xact_rollback:rate5m: recording rule"), out);
        assertTrue(out.contains("12 alerting and recording rules: 2 translated, 2 translated with notes, 8 not translated"), out);

        Map<String, Map<String, Object>> rules = rules(dir.resolve("postgresql.yaml"));
        assertEquals(List.of("postgresql-down", "postgresql-replication-lag", "postgresql-database-too-big", "postgresql-slot-inactive"),
                List.copyOf(rules.keySet()));
        Map<String, Object> down = rules.get("postgresql-down");
        assertEquals("up", down.get("metric"));
        assertEquals(List.of("database_type = postgresql"), down.get("match"));
        assertEquals(Map.of("critical", "< 1"), down.get("severities"));
        assertEquals("Postgresql down (instance {{instance_id}})", down.get("summary"));
        assertFalse(down.containsKey("for"), "for: 0m is the default");

        Map<String, Object> lag = rules.get("postgresql-replication-lag");
        assertEquals("replication_lag_seconds", lag.get("metric"));
        assertEquals(Map.of("high", "> 30"), lag.get("severities"));
        assertEquals("1m", lag.get("for"));
        assertEquals("5m", lag.get("keep_firing_for"));
        assertEquals(Map.of("team", "dba"), lag.get("labels"));
        assertEquals("Replica {{instance_id}} is {{value}} behind", lag.get("summary"));
        assertEquals("https://runbooks.example.com/pg-replication-lag", lag.get("runbook"));

        Map<String, Object> big = rules.get("postgresql-database-too-big");   // 1e11 < x, flipped
        assertEquals(Map.of("info", "> 100000000000"), big.get("severities"));
        assertEquals(List.of("database_type = postgresql", "database = \"orders\""), big.get("match"));
        assertFalse(big.containsKey("by"), "database is pinned by '=': one series");
        assertEquals("{{labels.database}} is {{value}} bytes", big.get("summary"));

        Map<String, Object> slot = rules.get("postgresql-slot-inactive");   // one alert per slot, as in Prometheus
        assertEquals("replication_slot_active", slot.get("metric"));
        assertEquals(List.of("slot"), slot.get("by"));
        assertEquals("slot {{labels.slot}} on {{instance_id}} has no consumer", slot.get("description"));

        assertFalse(Files.exists(dir.resolve("postgresql-recording.yaml")), "a group with nothing translated writes no file");
        CliRun validate = CliRun.of("validate", "--strict", dir.resolve("postgresql.yaml").toString());
        assertEquals(0, validate.exit(), validate.toString());
    }

    @Test
    void mongodbRulesMapLabelPinnedMetricsAndRefuseUnknownNames() throws IOException {
        CliRun run = CliRun.of("import", "prometheus", SAMPLES.resolve("mongodb.rules.yml").toString(),
                "--metric-map", MAPS.resolve("mongodb_exporter.yaml").toString(), "--out", dir.toString());
        String out = run.out();
        assertEquals(1, run.exit(), run.toString());
        assertTrue(out.contains("translated with notes  MongodbDown -> mongodb-down"), out);
        assertTrue(out.contains("translated with notes  MongodbReplicaMemberUnhealthy -> mongodb-replica-member-unhealthy"), out);
        assertTrue(out.contains("not translated         MongodbReplicationLag: needs an expr rule"), out);
        assertTrue(out.contains("not translated         MongodbTooManyConnections: needs an expr rule"), out);
        assertTrue(out.contains("translated             MongodbCurrentConnectionsHigh -> mongodb-current-connections-high"), out);
        assertTrue(out.contains("translated             MongodbReadQueue -> mongodb-read-queue"), out);
        assertTrue(out.contains("not translated         MongodbConnectionsAny: mongodb_ss_connections maps only with"
                + " [{conn_type=current}, {conn_type=available}] pinned by '=' matchers"), out);
        assertTrue(out.contains("not translated         MongodbVirtualMemoryUsage: unknown metric mongodb_ss_mem_virtual"
                + " (not in " + MAPS.resolve("mongodb_exporter.yaml") + "): no collector of mongodb publishes it"), out);

        Map<String, Map<String, Object>> rules = rules(dir.resolve("mongodb.yaml"));
        Map<String, Object> member = rules.get("mongodb-replica-member-unhealthy");
        assertEquals(List.of("member"), member.get("by"));
        assertEquals("member {{labels.member}} is unhealthy", member.get("description"));
        Map<String, Object> current = rules.get("mongodb-current-connections-high");
        assertEquals("connections_used", current.get("metric"));
        assertEquals(List.of("database_type = mongodb"), current.get("match"), "conn_type=\"current\" is consumed by the mapping");
        assertEquals("queue_readers", rules.get("mongodb-read-queue").get("metric"));
        CliRun validate = CliRun.of("validate", "--strict", dir.resolve("mongodb.yaml").toString());
        assertEquals(0, validate.exit(), validate.toString());
    }

    @Test
    void sqlServerRulesRefuseLookAlikesAndSuggestTheMappedName() throws IOException {
        CliRun run = CliRun.of("import", "prometheus", SAMPLES.resolve("mssql.rules.yml").toString(),
                "--metric-map", MAPS.resolve("mssql_exporter.yaml").toString(), "--out", dir.toString());
        String out = run.out();
        assertEquals(1, run.exit(), run.toString());
        assertTrue(out.contains("translated with notes  SqlServerDown -> sql-server-down"), out);
        assertTrue(out.contains("not translated         SqlServerDeadlock: needs an expr rule"), out);
        assertTrue(out.contains("not translated         SqlServerPageLifeExpectancyLow: mssql_page_life_expectancy is not mapped:"
                + " the Buffer Manager counter"), out);
        assertTrue(out.contains("SqlServerDeadlocksEver: unknown metric mssql_deadloks"), out);
        assertTrue(out.contains("did you mean mssql_deadlocks (which "), out);
        assertEquals("up", rules(dir.resolve("sql-server.yaml")).get("sql-server-down").get("metric"));
        CliRun validate = CliRun.of("validate", "--strict", dir.resolve("sql-server.yaml").toString());
        assertEquals(0, validate.exit(), validate.toString());
    }

    @Test
    void aUnitThatDiffersScalesTheThresholdAndEverythingTranslatedExitsZero() throws IOException {
        Path map = CliRun.write(dir, "map.yaml", """
                database_type: mssql
                metrics:
                  - {from: sqlserver_longest_query_ms, to: longest_query_seconds, scale: 0.001}
                """);
        Path rulesFile = CliRun.write(dir, "rules.yml", """
                groups:
                  - name: q
                    rules:
                      - alert: LongQuery
                        expr: sqlserver_longest_query_ms >= 1500
                        labels: {severity: warning}
                """);
        CliRun run = CliRun.of("import", "prometheus", rulesFile.toString(), "--metric-map", map.toString(), "--out", dir.resolve("out").toString());
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("note: threshold 1500 scaled by 0.001 to 1.5 (units of longest_query_seconds)"), run.out());
        assertEquals(Map.of("warning", ">= 1.5"), rules(dir.resolve("out/q.yaml")).get("long-query").get("severities"));
    }

    @Test
    void withoutAMapNamesAreTakenAsTheyAreAndAMisspeltOneGetsADidYouMean() throws IOException {
        Path rulesFile = CliRun.write(dir, "rules.yml", """
                groups:
                  - name: g
                    rules:
                      - alert: Saturated
                        expr: connections_used_ratoi > 0.9
                      - alert: Saturated
                        expr: connections_used_ratio > 0.9
                      - alert: Saturated
                        expr: connections_used_ratio > 0.95
                        labels: {severity: critical}
                      - alert: Regional
                        expr: connections_used_ratio{region="eu", database_type!="mssql"} > 0.95
                """);
        CliRun run = CliRun.of("import", "prometheus", rulesFile.toString(), "--out", dir.toString());
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("unknown metric connections_used_ratoi: no collector publishes it; did you mean connections_used_ratio?"), run.out());
        assertTrue(run.out().contains("note: no labels.severity: warning"), run.out());
        assertTrue(run.out().contains("note: id saturated-2: saturated is taken by an earlier rule"), run.out());
        assertTrue(run.out().contains("note: matcher on region: not a tag the collector gives connections_used_ratio; unless it is"
                + " one of the target's tags (collectors.yaml), the rule matches no series"), run.out());
        Map<String, Map<String, Object>> rules = rules(dir.resolve("g.yaml"));
        assertEquals(List.of("saturated", "saturated-2", "regional"), List.copyOf(rules.keySet()));
        assertEquals(List.of("region = \"eu\"", "database_type != \"mssql\""), rules.get("regional").get("match"));
    }

    @Test
    void exitCodesFollowTheOtherCommands() {
        Path notRules = CliRun.write(dir, "x.yml", "rules: []\n");
        CliRun bad = CliRun.of("import", "prometheus", notRules.toString(), "--out", dir.toString());
        assertEquals(1, bad.exit(), bad.toString());
        assertTrue(bad.out().contains("x.yml: error: not a Prometheus rule file: no top-level 'groups:' list"), bad.toString());

        Path badMap = CliRun.write(dir, "m.yaml", "metrics: [{from: a}]\n");
        CliRun usage = CliRun.of("import", "prometheus", notRules.toString(), "--metric-map", badMap.toString());
        assertEquals(2, usage.exit(), usage.toString());
        assertTrue(usage.err().contains("'from' and 'to' are required"), usage.toString());

        CliRun missing = CliRun.of("import", "prometheus", dir.resolve("nope.yml").toString(), "--out", dir.toString());
        assertEquals(GdsRules.EXIT_FAILURE, missing.exit(), missing.toString());
    }

    /**
     * The same series through promtool (the Prometheus rule) and through {@code gds-rules test} (the
     * imported rule, on the real topology): '40x3' is 40 at 1m to 4m; both fire at 2m (for 1m), keep
     * firing after the drop at 5m until 9m (keep_firing_for 5m) and have resolved at 10m.
     */
    @Test
    void anImportedThresholdRuleFiresWherePromtoolSaysThePrometheusRuleDoes() throws Exception {
        CliRun.write(dir, "prom.rules.yml", """
                groups:
                  - name: lag
                    rules:
                      - alert: PostgresqlReplicationLag
                        expr: pg_replication_lag > 30
                        for: 1m
                        keep_firing_for: 5m
                        labels: {severity: high}
                """);
        Path promTest = CliRun.write(dir, "prom.test.yml", """
                rule_files: [prom.rules.yml]
                evaluation_interval: 1m
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'pg_replication_lag{instance="db1:9187", job="postgres"}'
                        values: '0 40x3 10x8'
                    alert_rule_test:
                      - {eval_time: 1m, alertname: PostgresqlReplicationLag, exp_alerts: []}
                      - eval_time: 2m
                        alertname: PostgresqlReplicationLag
                        exp_alerts: [{exp_labels: {severity: high, instance: "db1:9187", job: postgres}}]
                      - eval_time: 9m
                        alertname: PostgresqlReplicationLag
                        exp_alerts: [{exp_labels: {severity: high, instance: "db1:9187", job: postgres}}]
                      - {eval_time: 10m, alertname: PostgresqlReplicationLag, exp_alerts: []}
                """);
        Process promtool = new ProcessBuilder("promtool", "test", "rules", promTest.getFileName().toString())
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String promOut = new String(promtool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, promtool.waitFor(), "promtool (the Debian prometheus package) must agree with the expectations:\n" + promOut);

        CliRun imported = CliRun.of("import", "prometheus", dir.resolve("prom.rules.yml").toString(),
                "--metric-map", MAPS.resolve("postgres_exporter.yaml").toString(), "--out", dir.resolve("out").toString());
        assertEquals(0, imported.exit(), imported.toString());
        Path ourTest = CliRun.write(dir, "out/lag.test.yaml", """
                rule_files: [lag.yaml]
                evaluation_interval: 1m
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'replication_lag_seconds{instance_id="db1", database_type="postgresql"}'
                        values: '0 40x3 10x8'
                    alert_rule_test:
                      - {eval_time: 1m, exp_alerts: [{instance_id: db1, severity: high, state: pending}]}
                      - {eval_time: 2m, exp_alerts: [{rule: postgresql-replication-lag, instance_id: db1, severity: high}]}
                      - {eval_time: 9m, exp_alerts: [{rule: postgresql-replication-lag, instance_id: db1, severity: high}]}
                      - {eval_time: 10m, exp_alerts: []}
                """);
        CliRun ours = CliRun.of("test", ourTest.toString());
        assertEquals(0, ours.exit(), ours.toString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> rules(Path file) throws IOException {
        Map<String, Object> doc = new Yaml().load(Files.readString(file));
        Map<String, Map<String, Object>> byId = new java.util.LinkedHashMap<>();
        for (Map<String, Object> r : (List<Map<String, Object>>) doc.get("rules")) {
            byId.put((String) r.get("id"), r);
        }
        return byId;
    }
}
