package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertTrue(out.contains("conn pg-1 connections_used_ratio | 2 5m 4 | 1 3m 2"), out);
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

    @Test
    void aBadMetricLineNamesTheFileAndLine() {
        Path metrics = CliRun.write(dir, "bad.jsonl", "{\"timestamp\":\"2026-03-02T10:00:00Z\"}\n");

        CliRun run = CliRun.of("backtest", "--metrics", metrics.toString(), "--rules", candidate.toString());

        assertEquals(GdsRules.EXIT_FAILURE, run.exit(), run.toString());
        assertTrue(run.err().contains(metrics + ":1: not a metric line: missing 'database_type'"), run.err());
    }
}
