package com.gds.alerting.topologies.alert;

import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.contract.AlertKeys;
import com.gds.alerting.contract.MessageIds;
import com.gds.alerting.contract.Tenants;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.RuleBook;
import com.gds.alerting.topologies.rules.Template;

/**
 * Builds the {@link AlertEvent} of a transition from the alert's state and its rule: labels,
 * templated summary and description, routing, the deterministic message id, and
 * {@code suppressed_by} as the lifecycle decided it. When the rule is gone (deleted), what was
 * rendered last is reused.
 */
final class AlertEvents {

    /** {@code suppressed_by} of a RESOLVED event when the rule has {@code send_resolved: false}. */
    static final String SEND_RESOLVED_OFF = "rule:send_resolved=false";
    /** {@code suppressed_by} of a RESOLVED event of an alert that never fired. */
    static final String NEVER_FIRED = "never-fired";

    private final RuleBook ruleBook;

    AlertEvents(RuleBook ruleBook) {
        this.ruleBook = ruleBook;
    }

    /**
     * Renders labels, summary, description, runbook and routing key of {@code s} from its rule (when
     * the rule still exists) and returns the rule, or {@code null} when it is gone.
     */
    CompiledRule refresh(AlertStatus s) {
        CompiledRule rule = ruleBook.rule(s.getRuleId());
        if (rule != null) {
            render(s, rule, Severities.effective(s));
        }
        return rule;
    }

    /** The event of a transition of {@code s}, rendered by {@link #refresh} just before. */
    AlertEvent event(AlertStatus s, Transition transition, AlertState previous, Reason reason, String commandId,
                     int number, String suppressedBy) {
        String routingKey = s.getEscalated() && s.getEscalatedRoutingKey() != null ? s.getEscalatedRoutingKey() : s.getRoutingKey();
        return AlertEvent.newBuilder()
                .setMessageId(MessageIds.of(s.getAlertKey(), s.getIncident(), s.getStartedAt(), transition.name(), number))
                .setAlertKey(s.getAlertKey())
                .setRuleId(s.getRuleId())
                .setInstanceId(s.getInstanceId())
                .setMetricName(s.getMetricName())
                .setDatabaseType(s.getDatabaseType())
                .setEnvironment(s.getEnvironment())
                .setSeverity(Severities.effective(s))
                .setState(s.getState())
                .setPreviousState(previous)
                .setTransition(transition)
                .setIncident(s.getIncident())
                .setReminderNumber(number)
                .setValue(s.getValue())
                .setThreshold(s.getThreshold())
                .setStartedAt(Instant.ofEpochMilli(s.getStartedAt()))
                .setUpdatedAt(Instant.ofEpochMilli(s.getUpdatedAt()))
                .setAcknowledgedBy(s.getAcknowledgedBy())
                .setAcknowledgedAt(s.getAcknowledgedAt() == null ? null : Instant.ofEpochMilli(s.getAcknowledgedAt()))
                .setAckComment(s.getAckComment())
                .setResolvedBy(transition == Transition.RESOLVED ? s.getResolvedBy() : null)
                .setResolveComment(transition == Transition.RESOLVED ? s.getResolveComment() : null)
                .setLabels(s.getLabels())
                .setRunbookUrl(s.getRunbookUrl())
                .setSummary(s.getSummary())
                .setDescription(s.getDescription())
                .setRoutingKey(routingKey)
                .setSuppressedBy(suppressedBy)
                .setReason(reason.name())
                .setCommandId(commandId)
                .setShadow(s.getShadow())
                .setShadowOf(s.getShadowOf())
                .setTenant(Tenants.of(s.getTags()))
                .setExpected(s.getExplanation() == null ? null : s.getExplanation().getExpected())
                .setBandLower(s.getExplanation() == null ? null : s.getExplanation().getBandLower())
                .setBandUpper(s.getExplanation() == null ? null : s.getExplanation().getBandUpper())
                .setDeviationSigma(s.getExplanation() == null ? null : s.getExplanation().getDeviationSigma())
                .setPredictedCrossingAt(s.getExplanation() == null || s.getExplanation().getPredictedCrossingAt() == null
                        ? null : Instant.ofEpochMilli(s.getExplanation().getPredictedCrossingAt()))
                .build();
    }

    /**
     * The rule's own reason for a transition not to notify: a RESOLVED that ends a pending streak, or
     * of a rule with {@code send_resolved: false}; {@code null} otherwise.
     */
    static String policySuppression(Transition transition, AlertState previous, CompiledRule rule) {
        if (transition != Transition.RESOLVED) {
            return null;
        }
        if (previous == AlertState.PENDING) {
            return NEVER_FIRED;
        }
        return rule != null && !rule.sendResolved() ? SEND_RESOLVED_OFF : null;
    }

    /** Renders labels, summary, description, runbook and routing key into the state. */
    private static void render(AlertStatus s, CompiledRule rule, Severity severity) {
        Map<String, String> labels = new HashMap<>(s.getTags());
        putIfPresent(labels, "database_type", s.getDatabaseType());
        putIfPresent(labels, "environment", s.getEnvironment());
        labels.put("instance_id", s.getInstanceId());
        labels.put("metric_name", s.getMetricName());
        labels.put("rule_id", s.getRuleId());
        labels.putAll(rule.labels());
        Function<String, String> values = name -> switch (name) {
            case "instance_id" -> s.getInstanceId();
            case "value" -> Template.number(s.getValue());
            case "threshold" -> Template.number(s.getThreshold());
            case "severity" -> severity.name().toLowerCase(Locale.ROOT);
            case "rule_id" -> s.getRuleId();
            case "expected" -> s.getExplanation() == null ? null : Template.number(s.getExplanation().getExpected());
            case "band_lower" -> s.getExplanation() == null ? null : Template.number(s.getExplanation().getBandLower());
            case "band_upper" -> s.getExplanation() == null ? null : Template.number(s.getExplanation().getBandUpper());
            case "deviation" -> s.getExplanation() == null ? null : Template.number(s.getExplanation().getDeviationSigma());
            case "predicted_crossing" -> s.getExplanation() == null || s.getExplanation().getPredictedCrossingAt() == null
                    ? null : Instant.ofEpochMilli(s.getExplanation().getPredictedCrossingAt()).toString();
            case "metric_name" -> s.getMetricName();
            case "database_type" -> s.getDatabaseType();
            case "environment" -> s.getEnvironment();
            default -> null;
        };
        s.setLabels(labels);
        s.setSummary(rule.summary() == null ? defaultSummary(s, severity) : rule.summary().render(values, labels));
        s.setDescription(rule.description() == null ? null : rule.description().render(values, labels));
        s.setRunbookUrl(rule.runbookUrl());
        s.setRoutingKey(rule.routingKey());
    }

    private static String defaultSummary(AlertStatus s, Severity severity) {
        return "[" + severity + "] " + s.getInstanceId() + " " + s.getMetricName() + series(s.getAlertKey()) + " = "
                + Template.number(s.getValue())
                + (s.getThreshold() == null || s.getThreshold().isNaN() ? "" : " (threshold " + Template.number(s.getThreshold()) + ")");
    }

    /** {@code {database="orders"}} for the alert of one series of a rule with {@code by}; else empty. */
    private static String series(String alertKey) {
        if (!alertKey.endsWith("}")) {
            return "";
        }
        AlertKeys.Parts parts = AlertKeys.parse(alertKey);
        if (parts == null || parts.series().isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("{");
        parts.series().forEach((tag, value) -> out.append(out.length() > 1 ? "," : "").append(tag).append("=\"")
                .append(value).append('"'));
        return out.append('}').toString();
    }

    private static void putIfPresent(Map<String, String> labels, String name, String value) {
        if (value != null) {
            labels.put(name, value);
        }
    }
}
