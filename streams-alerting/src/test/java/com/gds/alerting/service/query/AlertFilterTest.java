package com.gds.alerting.service.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.internal.AlertStatus;

class AlertFilterTest {

    private static AlertStatus status(String instance, AlertState state, Severity severity, String summary) {
        return AlertStatus.newBuilder().setAlertKey("lag:" + instance + ":replication_lag_seconds").setRuleId("lag")
                .setInstanceId(instance).setMetricName("replication_lag_seconds").setState(state).setSeverity(severity)
                .setIncident(1).setStartedAt(0).setLastSampleAt(0).setUpdatedAt(0).setLabels(Map.of()).setSummary(summary)
                .build();
    }

    private static final List<AlertStatus> ALERTS = List.of(
            status("pg-prod-1", AlertState.FIRING, Severity.CRITICAL, "Replica far behind"),
            status("pg-prod-2", AlertState.ACKNOWLEDGED, Severity.WARNING, null),
            status("pg-staging-1", AlertState.PENDING, Severity.WARNING, null),
            status("pg-prod-3", AlertState.RESOLVED, Severity.CRITICAL, null));

    @ParameterizedTest(name = "state={0} severity={1} q={2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // no state: the current alerts, not the resolved one
        "-                  | -                 | -        | pg-prod-1 pg-prod-2 pg-staging-1",
        "resolved           | -                 | -        | pg-prod-3",
        // lists, any case, blanks ignored
        "firing, Resolved   | -                 | -        | pg-prod-1 pg-prod-3",
        "-                  | warning,critical  | -        | pg-prod-1 pg-prod-2 pg-staging-1",
        "-                  | WARNING           | -        | pg-prod-2 pg-staging-1",
        // q: a case-insensitive substring of the key or the summary
        "-                  | -                 | STAGING  | pg-staging-1",
        "-                  | -                 | far beh  | pg-prod-1",
        "-                  | -                 | lag:pg-prod | pg-prod-1 pg-prod-2",
    })
    void selects(String state, String severity, String q, String expected) {
        AlertFilter.Compiled filter = new AlertFilter(state, severity, null, null, q).compile();
        assertEquals(List.of(expected.trim().split(" ")), ALERTS.stream().filter(filter::matches).map(AlertStatus::getInstanceId).toList());
    }

    @ParameterizedTest(name = "shadow={0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // a shadow rule's alerts never mix into the default list: they page nobody
        "-     | pg-prod-1",
        "false | pg-prod-1",
        "TRUE  | pg-shadow-1",
        "all   | pg-prod-1 pg-shadow-1",
    })
    void shadowAlertsAreListedOnlyWhenAskedFor(String shadow, String expected) {
        AlertStatus shadowAlert = status("pg-shadow-1", AlertState.FIRING, Severity.CRITICAL, null);
        shadowAlert.setShadow(true);
        shadowAlert.setShadowOf("lag");
        List<AlertStatus> alerts = List.of(ALERTS.get(0), shadowAlert);
        AlertFilter filter = new AlertFilter(null, null, null, null, null, shadow);
        assertEquals(List.of(), filter.validate());
        assertEquals(List.of(expected.trim().split(" ")), alerts.stream().filter(filter.compile()::matches)
                .map(AlertStatus::getInstanceId).toList());
    }

    @org.junit.jupiter.api.Test
    void anUnknownShadowValueIsRefused() {
        assertEquals("shadow", new AlertFilter(null, null, null, null, null, "maybe").validate().get(0).name());
    }
}
