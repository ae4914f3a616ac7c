package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.Severity;
import com.gds.alerting.topologies.AlertingCounters.Counter;

/**
 * One alert per rule, instance and metric: a rule that selects several series of one metric (a
 * per-database figure) makes them share an alert, and a breach of the second series in an instant
 * is ignored. Until alerts are per series, the product must say so: counted, and a WARN line.
 */
class SeriesSharingAlertKeyTest {

    private AlertingFixture fx;

    @BeforeEach
    void setUp() {
        fx = new AlertingFixture();
        fx.rule(threshold("log-space", "log_space_used_ratio", List.of(above(Severity.HIGH, 0.9))).build());
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private long shared() {
        return fx.alerting().counters().get(Counter.SERIES_SHARING_ALERT_KEY);
    }

    @Test
    void twoSeriesOfOneMetricOnOneInstanceAreCountedAsSharingTheAlert() {
        fx.sample("mssql-01", "log_space_used_ratio", 0.97, T0, Map.of("environment", "prod", "database", "orders"));
        fx.sample("mssql-01", "log_space_used_ratio", 0.12, T0, Map.of("environment", "prod", "database", "master"));
        assertEquals(1, shared(), "the second series met the first one's alert");
        fx.sample("mssql-01", "log_space_used_ratio", 0.97, T0.plusSeconds(30), Map.of("environment", "prod", "database", "orders"));
        assertEquals(1, shared(), "the series the alert follows is not counted");
        fx.sample("mssql-01", "log_space_used_ratio", 0.12, T0.plusSeconds(30), Map.of("environment", "prod", "database", "master"));
        assertEquals(2, shared(), "the other one is, each time");
    }

    @Test
    void oneSeriesPerInstanceIsNeverCounted() {
        for (int i = 0; i < 5; i++) {
            fx.sample("mssql-01", "log_space_used_ratio", 0.97, T0.plusSeconds(30L * i), Map.of("environment", "prod", "database", "orders"));
            fx.sample("mssql-02", "log_space_used_ratio", 0.12, T0.plusSeconds(30L * i), Map.of("environment", "prod", "database", "master"));
        }
        assertEquals(0, shared());
        assertEquals(1, fx.events().stream().filter(e -> e.getInstanceId().equals("mssql-01")).count());
    }
}
