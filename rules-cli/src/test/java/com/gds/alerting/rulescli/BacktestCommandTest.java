package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class BacktestCommandTest {

    /** pg-1 breaches 0.8 for 3 minutes, then 0.9 for 4 minutes (one sample a minute). */
    private static final double[] RECORDED = {0.5, 0.85, 0.85, 0.85, 0.5, 0.5, 0.92, 0.92, 0.92, 0.92, 0.5};
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    Path dir;
    private Path candidate;
    private Path current;

    @BeforeEach
    void rules() {
        candidate = CliRun.write(dir, "candidate.yaml", rule(0.8));
        current = CliRun.write(dir, "current.yaml", rule(0.9));
    }

    private static String rule(double threshold) {
        return "rules:\n  - id: conn\n    metric: connections_used_ratio\n    severities: {warning: '> " + threshold + "'}\n"
                + "    for: 1m\n";
    }

    private static String squeeze(String s) {
        return s.replaceAll("[ ]+", " ");
    }

    @Test
    void reportsIncidentsFiringTimeAndNotificationsOfCandidateNextToCurrent() {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < RECORDED.length; i++) {
            jsonl.append("{\"timestamp\":\"").append(T0.plusSeconds(60L * i)).append("\",\"database_type\":\"postgresql\",")
                    .append("\"instance_id\":\"pg-1\",\"metric_name\":\"connections_used_ratio\",\"value\":").append(RECORDED[i])
                    .append(",\"tags\":{\"environment\":\"prod\"}}\n");
        }
        Path metrics = CliRun.write(dir, "recorded.jsonl", jsonl.toString());

        CliRun run = CliRun.of("backtest", "--metrics", metrics.toString(), "--rules", candidate.toString(),
                "--current", current.toString());

        assertEquals(0, run.exit(), run.toString());
        String out = squeeze(run.out());
        assertTrue(out.contains("Replayed 11 samples up to 2026-03-02T10:10:00Z"), out);
        // candidate: fires at 10:02, resolves 10:04 (2m); fires 10:07, resolves 10:10 (3m): 2 FIRED + 2 RESOLVED sent.
        // current: only the second streak.
        assertTrue(out.contains("conn pg-1 connections_used_ratio | 2 5m 4 | 1 3m 2 | +1 incidents, +2m firing, +2 notifications"),
                out);
        assertTrue(run.out().replaceAll("\\s+", " ").contains("Incidents, candidate rules: conn pg-1 connections_used_ratio"
                + " #1 2026-03-02T10:02:00Z -> 2026-03-02T10:04:00Z firing 2m warning notifications: 2 sent"
                + " #2 2026-03-02T10:07:00Z -> 2026-03-02T10:10:00Z firing 3m warning notifications: 2 sent"), run.out());
    }

    @Test
    void readsCsvAndCountsAnIncidentStillFiringAtTheEndOfTheRange() {
        StringBuilder csv = new StringBuilder("timestamp,database_type,instance_id,metric_name,value,environment\n");
        for (int i = 0; i < 7; i++) {
            csv.append(T0.plusSeconds(60L * i)).append(",postgresql,pg-2,connections_used_ratio,")
                    .append(RECORDED[i]).append(",prod\n");
        }
        Path metrics = CliRun.write(dir, "recorded.csv", csv.toString());

        CliRun run = CliRun.of("backtest", "--metrics", metrics.toString(), "--rules", candidate.toString(),
                "--to", "2026-03-02T10:30:00Z");

        assertEquals(0, run.exit(), run.toString());
        String out = squeeze(run.out());
        // 0.5 at 10:04 resolves the first incident; 10:06 (0.92) starts a pending streak that never fires.
        assertTrue(out.contains("conn pg-2 connections_used_ratio | 1 2m 2"), out);
    }

    /**
     * The replay's wall clock stops at every timer on its way to --to, even with no sample left:
     * the absence alert fires at last sample + for (10:08), and one reminder per repeat_interval
     * follows (10:13, 10:18, 10:23, 10:28), rather than one tick at 10:30 doing it all at once.
     */
    @Test
    void absenceAndRemindersFireAtTheirOwnTimesAfterTheLastSample() {
        Path absence = CliRun.write(dir, "absence.yaml", """
                rules:
                  - id: silent
                    metric: up
                    absence: {severity: high}
                    for: 5m
                    repeat_interval: 5m
                """);
        StringBuilder csv = new StringBuilder("timestamp,database_type,instance_id,metric_name,value\n");
        for (int i = 0; i < 4; i++) {
            csv.append(T0.plusSeconds(60L * i)).append(",postgresql,pg-1,up,1\n");
        }
        Path metrics = CliRun.write(dir, "up.csv", csv.toString());

        CliRun run = CliRun.of("backtest", "--metrics", metrics.toString(), "--rules", absence.toString(),
                "--to", "2026-03-02T10:30:00Z");

        assertEquals(0, run.exit(), run.toString());
        // 1 incident, firing 10:08 -> 10:30, FIRED + 4 reminders.
        assertTrue(squeeze(run.out()).contains("silent pg-1 up | 1 22m 5"), run.out());
    }

    /**
     * The fleet pack's availability SLO next to the fleet's up == 0 rule, on 6h of good cycles every
     * 10s, 8 failed cycles (80s), then good ones. The SLO fires at the 3rd failed cycle (the ticket
     * pair on a 6h-old 3d window), pages at the 6th, steps down when the errors leave the 5m window and
     * resolves when they leave the 6h window: 12h11m00s, where the 6h window's oldest 15-minute bucket,
     * counted pro rata, holds under 0.27 of the 8 errors (burn rate 1). fleet-database-down (for 1m)
     * fires at the 7th failed cycle and resolves at the first good one: 20s.
     */
    @Test
    void replaysAnSloRuleNextToTheThresholdRuleInForce() {
        Path packs = Path.of(System.getProperty("gds.rules.packs", "../rules/packs"));
        StringBuilder csv = new StringBuilder("timestamp,database_type,instance_id,metric_name,value\n");
        for (int i = 0; i < 2160 + 8 + 2400; i++) {
            boolean failed = i >= 2160 && i < 2168;
            csv.append(T0.plusSeconds(10L * i)).append(",postgresql,pg-1,up,").append(failed ? 0 : 1).append('\n');
        }
        Path metrics = CliRun.write(dir, "up.csv", csv.toString());

        CliRun run = CliRun.of("backtest", "--metrics", metrics.toString(),
                "--rules", packs.resolve("fleet-absence-slo.yaml").toString(), "--current", packs.resolve("fleet.yaml").toString());

        assertEquals(0, run.exit(), run.toString());
        String out = squeeze(run.out());
        // 16:00:20 -> 22:11:00; FIRED (warning), SEVERITY_CHANGED (critical), SEVERITY_CHANGED (warning), RESOLVED.
        assertTrue(out.contains("fleet-availability-slo pg-1 up | 1 6h10m40s 4 | - - -"), run.out());
        assertTrue(out.contains("fleet-database-down pg-1 up | - - - | 1 20s 2"), run.out());
    }

    /**
     * pg-1 breaches from 10:02 and its data ends at 10:05 while firing; pg-2 goes on to 10:30. The
     * incident of pg-1 is open at the end of the data and counts as firing up to 10:05, not 10:30.
     */
    @Test
    void anIncidentOpenAtTheEndIsReportedOpenAndNotStretchedPastItsSeries() {
        StringBuilder csv = new StringBuilder("timestamp,database_type,instance_id,metric_name,value\n");
        for (int i = 0; i <= 5; i++) {
            csv.append(T0.plusSeconds(60L * i)).append(",postgresql,pg-1,connections_used_ratio,").append(i < 2 ? 0.5 : 0.95)
                    .append('\n');
        }
        for (int i = 0; i <= 30; i++) {
            csv.append(T0.plusSeconds(60L * i)).append(",postgresql,pg-2,connections_used_ratio,0.5\n");
        }
        Path metrics = CliRun.write(dir, "ended.csv", csv.toString());

        CliRun run = CliRun.of("backtest", "--metrics", metrics.toString(), "--rules", candidate.toString(), "--no-current");

        assertEquals(0, run.exit(), run.toString());
        String out = squeeze(run.out());
        // fires at 10:03 (for 1m after 10:02), firing up to the last sample of pg-1 (10:05): 2m
        assertTrue(out.contains("conn pg-1 connections_used_ratio | 1 2m 1"), out);
        assertTrue(out.contains("#1 2026-03-02T10:03:00Z -> open at the end of the data (series' last sample"
                + " 2026-03-02T10:05:00Z) firing 2m up to 2026-03-02T10:05:00Z warning notifications: 1 sent"), out);
    }

    /** Incidents with start and end per series, for candidate and current, and the difference per series, as JSON. */
    @Test
    void jsonOutputGivesIncidentsPerSeriesAndTheDifference() throws Exception {
        StringBuilder csv = new StringBuilder("timestamp,database_type,instance_id,metric_name,value\n");
        for (int i = 0; i < RECORDED.length; i++) {
            csv.append(T0.plusSeconds(60L * i)).append(",postgresql,pg-1,connections_used_ratio,").append(RECORDED[i]).append('\n');
        }
        Path metrics = CliRun.write(dir, "recorded.csv", csv.toString());

        CliRun run = CliRun.of("backtest", "--metrics", metrics.toString(), "--rules", candidate.toString(),
                "--current", current.toString(), "--output", "json");

        assertEquals(0, run.exit(), run.toString());
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertEquals(11, root.get("samples").asInt());
        JsonNode series = root.at("/candidate/series/0");
        assertEquals("pg-1", series.get("instance_id").asText());
        assertEquals(2, series.get("incident_count").asInt());
        assertEquals("2026-03-02T10:02:00Z", series.at("/incidents/0/start").asText());
        assertEquals("2026-03-02T10:04:00Z", series.at("/incidents/0/end").asText());
        assertEquals("2026-03-02T10:07:00Z", series.at("/incidents/1/start").asText());
        assertEquals(300_000, series.get("firing_ms").asLong());
        assertEquals(4, series.get("notifications_sent").asInt());
        assertEquals(1, root.at("/current/series/0/incident_count").asInt());
        JsonNode diff = root.at("/difference/0");
        assertEquals(1, diff.get("incidents").asInt());
        assertEquals(120_000, diff.get("firing_ms").asLong());
        assertEquals(2, diff.get("notifications").asInt());
        assertTrue(run.err().contains("Replayed 11 samples"), "progress goes to stderr in JSON mode: " + run.err());
    }

    @Test
    void aBadMetricLineNamesTheFileAndLine() {
        Path metrics = CliRun.write(dir, "bad.jsonl", "{\"timestamp\":\"2026-03-02T10:00:00Z\"}\n");

        CliRun run = CliRun.of("backtest", "--metrics", metrics.toString(), "--rules", candidate.toString());

        assertEquals(GdsRules.EXIT_FAILURE, run.exit(), run.toString());
        assertTrue(run.err().contains(metrics + ":1: not a metric line: missing 'database_type'"), run.err());
    }
}
