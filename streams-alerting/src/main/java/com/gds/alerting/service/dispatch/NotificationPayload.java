package com.gds.alerting.service.dispatch;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

/**
 * The body of {@code POST {base-url}/ingest}, exactly the fields of docs/contracts.md
 * ("gds_notification"). Null fields are written as {@code null}, not left out: the contract lists
 * every field.
 *
 * @param alertName    the rule id
 * @param dbInstanceId the instance id
 * @param subject      one line, severity first
 * @param bodyText     the full context for the person on call
 * @param messageId    the deterministic id; gds_notification's idempotency key
 * @param severity     the severity name (lower case, as rules write it)
 * @param runbookUrl   may be null
 * @param labels       the alert's labels
 * @param routingKey   may be null
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record NotificationPayload(String alertName, String dbInstanceId, String subject, String bodyText,
                                  String messageId, String severity, @Nullable String runbookUrl,
                                  Map<String, String> labels, @Nullable String routingKey) {
}
