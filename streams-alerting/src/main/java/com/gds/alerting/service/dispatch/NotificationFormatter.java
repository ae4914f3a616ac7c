package com.gds.alerting.service.dispatch;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.TreeMap;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.contract.Tenants;

/**
 * Turns an alert event into the gds_notification payload. The subject reads at a glance (severity,
 * what happened, where, the value against its threshold); the body gives everything needed to act
 * without opening another tool: since when, the rule's own words, the runbook, who acked.
 */
public final class NotificationFormatter {

    /** Subjects longer than this are cut: mail clients and pagers cut them anyway, less kindly. */
    static final int MAX_SUBJECT = 200;
    private static final int LABEL_WIDTH = 12;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private NotificationFormatter() {
    }

    /**
     * The payload for {@code event}. Notifications route by tenant: without a routing key of its rule, an alert
     * of an instance with a tenant of its own ({@code tenant} tag) carries the tenant as {@code routing_key}, and
     * {@code labels} always name it; an instance of the default tenant notifies as before (README, "Tenants and the
     * three layers").
     */
    public static NotificationPayload format(AlertEvent event) {
        String severity = severityName(event);
        TreeMap<String, String> labels = new TreeMap<>(event.getLabels());
        String tenant = event.getTenant();
        boolean ownTenant = tenant != null && !Tenants.DEFAULT.equals(tenant);
        if (ownTenant) {
            labels.putIfAbsent(Tenants.TAG, tenant);
        }
        String routingKey = event.getRoutingKey() != null ? event.getRoutingKey() : ownTenant ? tenant : null;
        return new NotificationPayload(event.getRuleId(), event.getInstanceId(), subject(event), body(event),
                event.getMessageId(), severity, event.getRunbookUrl(), labels, routingKey);
    }

    static String severityName(AlertEvent event) {
        return event.getSeverity().name().toLowerCase(Locale.ROOT);
    }

    /** e.g. {@code [CRITICAL] FIRING pg-prod-01: replication_lag_seconds 42 (threshold 30)}. */
    static String subject(AlertEvent event) {
        String tag = switch (event.getTransition()) {
            case RESOLVED -> "[RESOLVED]";
            default -> "[" + event.getSeverity().name() + "]";
        };
        String what = event.getSummary() != null && !event.getSummary().isBlank()
                ? event.getSummary().strip()
                : event.getMetricName() + valueAgainstThreshold(event);
        String subject = tag + " " + headline(event) + " " + event.getInstanceId() + ": " + what;
        return subject.length() <= MAX_SUBJECT ? subject : subject.substring(0, MAX_SUBJECT - 1) + "…";
    }

    private static String headline(AlertEvent event) {
        return switch (event.getTransition()) {
            case FIRED -> "FIRING";
            case SEVERITY_CHANGED -> "NOW " + event.getSeverity().name();
            case RESOLVED -> "resolved";
            case REMINDER -> "STILL FIRING (reminder " + event.getReminderNumber() + ")";
            case ESCALATED -> "ESCALATED, not acknowledged";
            default -> event.getTransition().name();
        };
    }

    static String body(AlertEvent event) {
        StringBuilder b = new StringBuilder();
        b.append(headline(event)).append(" - ").append(severityName(event)).append('\n');
        if (event.getSummary() != null && !event.getSummary().isBlank()) {
            b.append(event.getSummary().strip()).append("\n");
        }
        b.append('\n');
        line(b, "Instance", event.getInstanceId() + context(event));
        line(b, "Metric", event.getMetricName() + valueAgainstThreshold(event));
        if (event.getExpected() != null && event.getBandLower() != null) {
            line(b, "Expected", number(event.getExpected()) + ", normal band " + number(event.getBandLower()) + " to "
                    + number(event.getBandUpper()) + (event.getDeviationSigma() == null ? ""
                    : ", deviation " + number(event.getDeviationSigma()) + " sigma"));
        }
        if (event.getPredictedCrossingAt() != null) {
            line(b, "Crossing", "the trend reaches the limit at " + TIME.format(event.getPredictedCrossingAt()));
        }
        Instant started = event.getStartedAt();
        Instant updated = event.getUpdatedAt();
        line(b, "Since", TIME.format(started) + " (" + duration(Duration.between(started, updated)) + " before this message)");
        line(b, "At", TIME.format(updated));
        if (event.getAcknowledgedBy() != null) {
            line(b, "Acked by", event.getAcknowledgedBy() + (event.getAckComment() == null ? "" : ": " + event.getAckComment()));
        }
        if (event.getResolvedBy() != null) {
            line(b, "Resolved by", event.getResolvedBy()
                    + (event.getResolveComment() == null ? "" : ": " + event.getResolveComment()));
        }
        line(b, "Runbook", event.getRunbookUrl() == null ? "none given by the rule" : event.getRunbookUrl());
        line(b, "Rule", event.getRuleId());
        if (event.getRoutingKey() != null) {
            line(b, "Routing", event.getRoutingKey());
        }
        line(b, "Alert", event.getAlertKey() + " (incident " + event.getIncident() + ")");
        if (event.getReason() != null) {
            line(b, "Reason", event.getReason());
        }
        if (event.getDescription() != null && !event.getDescription().isBlank()) {
            b.append('\n').append(event.getDescription().strip()).append('\n');
        }
        if (!event.getLabels().isEmpty()) {
            b.append("\nLabels:\n");
            new TreeMap<>(event.getLabels()).forEach((k, v) -> b.append("  ").append(k).append('=').append(v).append('\n'));
        }
        b.append("\nmessage_id ").append(event.getMessageId()).append('\n');
        return b.toString();
    }

    private static String context(AlertEvent event) {
        if (event.getDatabaseType() == null && event.getEnvironment() == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(" (");
        if (event.getDatabaseType() != null) {
            b.append(event.getDatabaseType());
        }
        if (event.getEnvironment() != null) {
            b.append(event.getDatabaseType() != null ? ", " : "").append(event.getEnvironment());
        }
        return b.append(')').toString();
    }

    private static String valueAgainstThreshold(AlertEvent event) {
        StringBuilder b = new StringBuilder();
        if (event.getValue() != null) {
            b.append(" = ").append(number(event.getValue()));
        }
        if (event.getThreshold() != null) {
            b.append(" (threshold ").append(number(event.getThreshold())).append(')');
        }
        return b.toString();
    }

    /** 42.0 -> "42", 0.93125 -> "0.93125", 1234567.891 -> "1234570": six significant digits. */
    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /** "3h 04m", "12m 05s", "40s". */
    static String duration(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s >= 86_400) {
            return s / 86_400 + "d " + twoDigits((s % 86_400) / 3600) + "h";
        }
        if (s >= 3600) {
            return s / 3600 + "h " + twoDigits((s % 3600) / 60) + "m";
        }
        if (s >= 60) {
            return s / 60 + "m " + twoDigits(s % 60) + "s";
        }
        return s + "s";
    }

    private static String twoDigits(long n) {
        return n < 10 ? "0" + n : Long.toString(n);
    }

    /** {@code label:} padded to 12 columns, then the value. (Not String.format: it parses its pattern on every call.) */
    private static void line(StringBuilder b, String label, String value) {
        int start = b.length();
        b.append(label).append(':');
        while (b.length() - start < LABEL_WIDTH) {
            b.append(' ');
        }
        b.append(value).append('\n');
    }
}
