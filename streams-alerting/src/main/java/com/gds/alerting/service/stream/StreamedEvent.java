package com.gds.alerting.service.stream;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.service.api.EventView;

/**
 * One transition on the stream: the alert it belongs to, then the same fields as an entry of
 * {@code GET /api/v1/alerts/{key}/history}.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
public record StreamedEvent(String alertKey, String ruleId, String instanceId, String databaseType, String metricName,
                            @JsonUnwrapped EventView event) {

    static StreamedEvent of(AlertEvent e) {
        return new StreamedEvent(e.getAlertKey(), e.getRuleId(), e.getInstanceId(), e.getDatabaseType(), e.getMetricName(),
                EventView.of(e));
    }
}
