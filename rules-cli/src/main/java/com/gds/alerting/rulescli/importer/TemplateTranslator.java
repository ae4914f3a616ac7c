package com.gds.alerting.rulescli.importer;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus annotation templates (Go templates) to the project's {@code {{name}}} placeholders:
 * {@code $value} (with or without formatting) to {@code {{value}}}, {@code $labels.x} to the
 * label's placeholder. Any other action has no counterpart: it is removed and a note says so.
 */
final class TemplateTranslator {

    private static final Pattern ACTION = Pattern.compile("\\{\\{-?\\s*(.*?)\\s*-?}}", Pattern.DOTALL);
    private static final Pattern VALUE = Pattern.compile("\\$value(\\s*\\|\\s*[A-Za-z]+)*|printf\\s+\"[^\"]*\"\\s+\\$value"
            + "|\\$value\\s*\\|\\s*printf\\s+\"[^\"]*\"|humanize[A-Za-z0-9]*\\s+\\$value");
    private static final Pattern LABEL = Pattern.compile("\\$labels\\.([A-Za-z_][A-Za-z0-9_]*)");

    /** The translated text and what was changed or removed. */
    record Result(String text, List<String> notes) {
    }

    private TemplateTranslator() {
    }

    /**
     * Translates {@code text}; {@code placeholder} gives the project's placeholder name of a
     * Prometheus label ({@code instance_id}, {@code labels.database}), or null when it has none.
     */
    static Result translate(String field, String text, Function<String, String> placeholder) {
        List<String> notes = new java.util.ArrayList<>();
        StringBuilder out = new StringBuilder();
        Matcher m = ACTION.matcher(text);
        int last = 0;
        while (m.find()) {
            out.append(text, last, m.start());
            last = m.end();
            String action = m.group(1).trim();
            String replacement = replacement(action, placeholder);
            if (replacement == null) {
                notes.add(field + ": removed " + m.group() + " (no counterpart in the project's templates)");
            } else {
                if (VALUE.matcher(action).matches() && !action.equals("$value")) {
                    notes.add(field + ": " + m.group() + " became {{value}} (formatting is not carried)");
                }
                out.append(replacement);
            }
        }
        out.append(text.substring(last));
        return new Result(out.toString().strip(), List.copyOf(notes));
    }

    private static String replacement(String action, Function<String, String> placeholder) {
        if (VALUE.matcher(action).matches()) {
            return "{{value}}";
        }
        Matcher label = LABEL.matcher(action);
        if (label.matches()) {
            String name = placeholder.apply(label.group(1));
            return name == null ? null : "{{" + name + "}}";
        }
        return null;
    }

    /** Placeholders the project knows by name rather than as {@code labels.x}. */
    static final Set<String> PLAIN = Set.of("database_type", "environment");
}
