package com.gds.alerting.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExpositionTextTest {

    private static final String PAGE = """
            # HELP prometheus_tsdb_head_samples_appended_total Total number of appended samples.
            # TYPE prometheus_tsdb_head_samples_appended_total counter
            prometheus_tsdb_head_samples_appended_total{type="float"} 1.2345e+06
            prometheus_tsdb_head_samples_appended_total{type="histogram"} 5
            prometheus_tsdb_head_samples_appended_total_other 99
            gds_alerting_metrics_evaluated_total 42.0
            """;

    @Test
    void sumsEverySampleOfTheMetricWhateverItsLabels() {
        assertEquals(1_234_505, ExpositionText.sum(PAGE, "prometheus_tsdb_head_samples_appended_total"), 1e-9);
    }

    @Test
    void readsAMetricWithoutLabels() {
        assertEquals(42, ExpositionText.sum(PAGE, "gds_alerting_metrics_evaluated_total"), 1e-9);
    }

    @Test
    void aMetricThatIsNotOnThePageIsNaNNotZero() {
        // A renamed counter read as 0 would make a side look as if it did no work, or no failures.
        assertTrue(Double.isNaN(ExpositionText.sum(PAGE, "prometheus_rule_evaluation_failures_total")));
        assertTrue(Double.isNaN(ExpositionText.sum(PAGE, "gds_alerting_metrics")), "a prefix of a name is not the name");
    }
}
