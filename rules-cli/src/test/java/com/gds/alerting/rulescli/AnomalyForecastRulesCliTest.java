package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.AnomalyAlgorithm;
import com.gds.alerting.avro.AnomalyDirection;
import com.gds.alerting.avro.AnomalySeasonality;
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.rulescli.rules.ParsedRule;
import com.gds.alerting.rulescli.rules.RuleFileParser;
import com.gds.alerting.rulescli.yaml.Diagnostics;

/** The {@code anomaly:} and {@code forecast:} blocks: their mapping, and errors at the line of the field at fault. */
class AnomalyForecastRulesCliTest {

    @TempDir
    Path dir;

    @Test
    void mapsAnomalyAndForecastBlocksWithDefaults() {
        Path file = CliRun.write(dir, "kinds.yaml", """
                rules:
                  - id: conn-anomaly
                    metric: connections
                    anomaly:
                      algorithm: robust
                      seasonality: weekly
                      time_zone: Europe/Paris
                      bounds: 4
                      recovery_bounds: 2.5
                      direction: above
                      min_deviation: 10
                      min_history: 21d
                      confirm: 5
                      severity: high
                    for: 5m
                  - id: qps-anomaly
                    metric: queries_per_second
                    anomaly: {}
                  - id: disk-full
                    metric: disk_free_bytes
                    forecast: {crosses: '< 0', window: 6h, horizon: 4h, min_samples: 10, severity: critical}
                """);
        Diagnostics d = new Diagnostics();
        List<ParsedRule> rules = RuleFileParser.parse(file, "kinds.yaml", d);
        assertFalse(d.hasErrors(), d.sorted().toString());

        Rule anomaly = rules.get(0).rule();
        assertEquals(RuleKind.ANOMALY, anomaly.getKind(), "the block says the kind");
        assertEquals(AnomalyAlgorithm.ROBUST, anomaly.getAnomaly().getAlgorithm());
        assertEquals(AnomalySeasonality.WEEKLY, anomaly.getAnomaly().getSeasonality());
        assertEquals("Europe/Paris", anomaly.getAnomaly().getTimeZone());
        assertEquals(4.0, anomaly.getAnomaly().getBounds());
        assertEquals(2.5, anomaly.getAnomaly().getRecoveryBounds());
        assertEquals(AnomalyDirection.ABOVE, anomaly.getAnomaly().getDirection());
        assertEquals(10.0, anomaly.getAnomaly().getMinDeviation());
        assertEquals(21 * 86_400_000L, anomaly.getAnomaly().getMinHistoryMs());
        assertEquals(5, anomaly.getAnomaly().getConfirmSamples());
        assertEquals(Severity.HIGH, anomaly.getAnomaly().getSeverity());

        Rule defaults = rules.get(1).rule();
        assertEquals(AnomalyAlgorithm.ADAPTIVE, defaults.getAnomaly().getAlgorithm());
        assertEquals(AnomalySeasonality.NONE, defaults.getAnomaly().getSeasonality());
        assertEquals(3.0, defaults.getAnomaly().getBounds());
        assertEquals(3, defaults.getAnomaly().getConfirmSamples());
        assertEquals(Severity.WARNING, defaults.getAnomaly().getSeverity());

        Rule forecast = rules.get(2).rule();
        assertEquals(RuleKind.FORECAST, forecast.getKind());
        assertEquals(0.0, forecast.getForecast().getLimit());
        assertEquals(Comparison.LT, forecast.getForecast().getOp());
        assertEquals(6 * 3_600_000L, forecast.getForecast().getWindowMs());
        assertEquals(4 * 3_600_000L, forecast.getForecast().getHorizonMs());
        assertEquals(10, forecast.getForecast().getMinSamples());
        assertEquals(Severity.CRITICAL, forecast.getForecast().getSeverity());

        CliRun run = CliRun.of("validate", file.toString());
        assertEquals(0, run.exit(), run.toString());
    }

    @Test
    void reportsEachProblemAtItsLine() {
        Path file = CliRun.write(dir, "bad.yaml", """
                rules:
                  - id: conn-anomaly
                    metric: connections
                    anomaly:
                      seasonality: monthly
                      bounds: -1
                      time_zone: Mars/Olympus
                      min_history: 400d
                  - id: disk-full
                    metric: disk_free_bytes
                    forecast:
                      crosses: '== 0'
                      window: 6h
                      horizon: 4h
                  - id: both
                    metric: x
                    severities: {warning: '> 1'}
                    anomaly: {}
                """);
        CliRun run = CliRun.of("validate", file.toString());
        assertEquals(1, run.exit(), run.toString());
        String shown = run.out() + run.err();
        assertTrue(shown.contains("bad.yaml:5:20: error: unknown seasonality 'monthly'"), shown);
        assertTrue(shown.contains("bad.yaml:6:15: error: rule 'conn-anomaly': anomaly.bounds: -1.0 must be above 0"), shown);
        assertTrue(shown.contains("bad.yaml:7:18: error: rule 'conn-anomaly': anomaly.time_zone: unknown time zone 'Mars/Olympus'"),
                shown);
        assertTrue(shown.contains("bad.yaml:8:20: error: rule 'conn-anomaly': anomaly.min_history: 400d must be between"), shown);
        assertTrue(shown.contains("bad.yaml:12:16: error: rule 'disk-full': forecast.crosses: EQ cannot be crossed"), shown);
        assertTrue(shown.contains("rule 'both': severities: an ANOMALY rule takes its severities from its anomaly.severity"),
                shown);
    }

    /**
     * How a user tunes {@code bounds}: backtest the same recorded history with two settings and compare
     * the incidents each would have paged. Noise of σ 1 around 100 for 4 hours, a 10σ spike at 10:00+150m and
     * a 4.5σ bump at +170m (5 minutes each): bounds 3 pages both, bounds 6 only the spike.
     */
    @Test
    void backtestShowsHowManyIncidentsEachBoundsWouldHavePaged() {
        java.time.Instant t0 = java.time.Instant.parse("2026-03-02T10:00:00Z");
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        StringBuilder csv = new StringBuilder("timestamp,database_type,instance_id,metric_name,value\n");
        for (int m = 0; m < 240; m++) {
            double v = 100 + Math.max(-2.5, Math.min(2.5, random.nextGaussian()));
            if (m >= 150 && m < 155) {
                v += 10;
            } else if (m >= 170 && m < 175) {
                v += 4.5;
            }
            csv.append(t0.plusSeconds(60L * m)).append(",postgresql,pg-1,connections,").append(v).append('\n');
        }
        Path metrics = CliRun.write(dir, "recorded.csv", csv.toString());
        String rule = """
                rules:
                  - id: conn-anomaly
                    metric: connections
                    anomaly: {bounds: %s, min_history: 1h}
                """;
        Path tight = CliRun.write(dir, "tight.yaml", rule.formatted("3"));
        Path loose = CliRun.write(dir, "loose.yaml", rule.formatted("6"));

        CliRun three = CliRun.of("backtest", "--metrics", metrics.toString(), "--rules", tight.toString(), "--no-current",
                "--to", "2026-03-02T14:00:00Z");
        CliRun six = CliRun.of("backtest", "--metrics", metrics.toString(), "--rules", loose.toString(), "--no-current",
                "--to", "2026-03-02T14:00:00Z");

        assertEquals(0, three.exit(), three.toString());
        assertEquals(0, six.exit(), six.toString());
        assertTrue(squeeze(three.out()).contains("conn-anomaly pg-1 connections | 2 "), three.out());
        assertTrue(squeeze(six.out()).contains("conn-anomaly pg-1 connections | 1 "), six.out());
    }

    private static String squeeze(String s) {
        return s.replaceAll("\\s+", " ");
    }
}
