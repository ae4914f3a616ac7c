package com.gds.alerting.service.dispatch;

import java.time.Instant;
import java.util.Map;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.contract.MessageIds;

/** Alert events as the topology writes them. */
final class TestEvents {

    static final Instant STARTED = Instant.parse("2026-11-03T02:46:00Z");

    private TestEvents() {
    }

    static AlertEvent.Builder event(String rule, String instance, Transition transition, int number) {
        AvroClassTrust.install();
        String key = rule + ":" + instance + ":replication_lag_seconds";
        AlertState state = switch (transition) {
            case PENDING -> AlertState.PENDING;
            case RESOLVED -> AlertState.RESOLVED;
            case ACKNOWLEDGED -> AlertState.ACKNOWLEDGED;
            default -> AlertState.FIRING;
        };
        return AlertEvent.newBuilder()
                .setMessageId(MessageIds.of(key, 1, STARTED.toEpochMilli(), transition.name(), number))
                .setAlertKey(key).setRuleId(rule).setInstanceId(instance).setMetricName("replication_lag_seconds")
                .setDatabaseType("postgresql").setEnvironment("prod")
                .setSeverity(Severity.CRITICAL).setState(state).setTransition(transition).setIncident(1)
                .setReminderNumber(number).setValue(42.0).setThreshold(30.0)
                .setStartedAt(STARTED).setUpdatedAt(STARTED.plusSeconds(754))
                .setLabels(Map.of("team", "dba", "environment", "prod"))
                .setRunbookUrl("https://runbooks.example/replication-lag").setRoutingKey("dba-oncall")
                .setSummary("Replication lag " + "42s on " + instance)
                .setDescription("The replica is behind its primary; reads may be stale.");
    }

    static AlertEvent fired(String rule, String instance) {
        return event(rule, instance, Transition.FIRED, 0).build();
    }
}
