package com.gds.alerting.service.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.service.api.AlertView;

/**
 * The order of an alert list, from the {@code sort} parameter: comma-separated fields, each
 * ascending or, with a leading {@code -}, descending. Every field's ascending order is the useful
 * one for someone on call: {@code severity} most urgent first, {@code state} firing, pending,
 * acknowledged, resolved, {@code age} newest first, {@code updated} most recently changed first,
 * {@code rule}, {@code instance} and {@code metric} alphabetical. Ties fall back to the default
 * order (severity, age) and then the alert key, so a page boundary is stable and each instance of
 * a fan-out sorts exactly as the merge does.
 */
public final class AlertOrder {

    /** The fields {@code sort} accepts. */
    public static final List<String> FIELDS = List.of("severity", "state", "rule", "instance", "metric", "age", "updated");

    private static final Map<AlertState, Integer> STATE_URGENCY = Map.of(AlertState.FIRING, 0, AlertState.PENDING, 1,
            AlertState.ACKNOWLEDGED, 2, AlertState.RESOLVED, 3);

    private static final Comparator<AlertView> SEVERITY = Comparator
            .comparing((AlertView a) -> Severity.valueOf(a.severity())).reversed();
    private static final Comparator<AlertView> AGE = Comparator.comparing(AlertView::startedAt, Comparator.reverseOrder());
    private static final Comparator<AlertView> DEFAULT = SEVERITY.thenComparing(AGE).thenComparing(AlertView::alertKey);

    /** Most urgent first, then newest first: the order without {@code sort}. */
    public static final AlertOrder DEFAULT_ORDER = new AlertOrder(null, DEFAULT);

    private final String spec;
    private final Comparator<AlertView> comparator;

    private AlertOrder(String spec, Comparator<AlertView> comparator) {
        this.spec = spec;
        this.comparator = comparator;
    }

    /**
     * Parses {@code sort}; {@code null} or blank is the default order.
     *
     * @throws IllegalArgumentException naming the unknown field
     */
    public static AlertOrder parse(String sort) {
        if (sort == null || sort.isBlank()) {
            return DEFAULT_ORDER;
        }
        List<String> parts = new ArrayList<>();
        Comparator<AlertView> chain = null;
        for (String raw : sort.split(",")) {
            String field = raw.trim().toLowerCase(Locale.ROOT);
            if (field.isEmpty()) {
                continue;
            }
            boolean descending = field.startsWith("-");
            String name = descending ? field.substring(1) : field;
            Comparator<AlertView> one = switch (name) {
                case "severity" -> SEVERITY;
                case "state" -> Comparator.comparing((AlertView a) -> STATE_URGENCY.getOrDefault(AlertState.valueOf(a.state()), 9));
                case "rule" -> Comparator.comparing(AlertView::ruleId);
                case "instance" -> Comparator.comparing(AlertView::instanceId);
                case "metric" -> Comparator.comparing(AlertView::metricName);
                case "age" -> AGE;
                case "updated" -> Comparator.comparing(AlertView::updatedAt, Comparator.reverseOrder());
                default -> throw new IllegalArgumentException("sort: unknown field '" + name + "'; use " + String.join(", ", FIELDS)
                        + ", each optionally with a leading '-' for descending");
            };
            if (descending) {
                one = one.reversed();
            }
            chain = chain == null ? one : chain.thenComparing(one);
            parts.add(field);
        }
        if (chain == null) {
            return DEFAULT_ORDER;
        }
        return new AlertOrder(String.join(",", parts), chain.thenComparing(DEFAULT));
    }

    public Comparator<AlertView> comparator() {
        return comparator;
    }

    /** The normalised {@code sort} value to forward to the other instances; {@code null} for the default order. */
    public String spec() {
        return spec;
    }
}
