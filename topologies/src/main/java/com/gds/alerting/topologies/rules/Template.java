package com.gds.alerting.topologies.rules;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A summary or description template: text with {@code {{name}}} placeholders. Known names:
 * {@code instance_id}, {@code value}, {@code threshold}, {@code severity}, {@code rule_id},
 * {@code metric_name}, {@code database_type}, {@code environment}, and {@code labels.<name>} for
 * any label of the alert ({@code $value} and {@code $labels.<name>}, Prometheus' spellings, too); for anomaly rules
 * also {@code expected}, {@code band_lower}, {@code band_upper} and {@code deviation}, for forecast rules
 * {@code predicted_crossing} (ISO-8601 time), empty for other kinds. Parsed once when the rule is accepted, rendered at
 * each transition.
 */
public final class Template {

    static final Set<String> NAMES = Set.of("instance_id", "value", "threshold", "severity", "rule_id",
            "metric_name", "database_type", "environment", "expected", "band_lower", "band_upper", "deviation",
            "predicted_crossing");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^}]*?)\\s*}}");
    private static final String LABELS = "labels.";

    private final List<String> literals;
    private final List<String> names;

    private Template(List<String> literals, List<String> names) {
        this.literals = literals;
        this.names = names;
    }

    /** Parses {@code text}; {@code null} stays {@code null}. */
    public static Template parse(String text) {
        if (text == null) {
            return null;
        }
        List<String> literals = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text);
        int from = 0;
        while (m.find()) {
            literals.add(text.substring(from, m.start()));
            names.add(alias(m.group(1)));
            from = m.end();
        }
        literals.add(text.substring(from));
        return new Template(List.copyOf(literals), List.copyOf(names));
    }

    /**
     * Prometheus' spellings, for rules written (or imported) from Prometheus: {@code $value} is
     * {@code value}, {@code $labels.x} is {@code labels.x}.
     */
    private static String alias(String name) {
        return name.startsWith("$") ? name.substring(1) : name;
    }

    /** The placeholders that are not known names, for validation. */
    public List<String> unknownPlaceholders() {
        return names.stream()
                .filter(n -> !NAMES.contains(n) && !(n.startsWith(LABELS) && n.length() > LABELS.length()))
                .toList();
    }

    /**
     * Renders with {@code values} for the plain names and {@code labels} for {@code labels.x}; a
     * missing value renders as an empty string.
     */
    public String render(Function<String, String> values, Map<String, String> labels) {
        StringBuilder out = new StringBuilder(literals.get(0));
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String value = name.startsWith(LABELS) ? labels.get(name.substring(LABELS.length())) : values.apply(name);
            out.append(value == null ? "" : value).append(literals.get(i + 1));
        }
        return out.toString();
    }

    /** A number as people write it: {@code 42}, {@code 0.9512}, {@code 1.5E+9}; at most 6 significant digits. */
    public static String number(Double value) {
        if (value == null) {
            return null;
        }
        if (value.isNaN() || value.isInfinite()) {
            return value.toString();
        }
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros();
        return rounded.scale() < 0 && rounded.precision() - rounded.scale() <= 15
                ? rounded.toBigInteger().toString()
                : rounded.toString();
    }
}
