package com.gds.alerting.service.problem;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.exc.StreamReadException;

import io.micronaut.serde.exceptions.InvalidFormatException;
import io.micronaut.serde.exceptions.SerdeException;
import io.micronaut.serde.exceptions.path.CollectionItemReferencePath;
import io.micronaut.serde.exceptions.path.MapItemReferencePath;
import io.micronaut.serde.exceptions.path.ReferencePath;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;

/**
 * Java names to the API's: the service's request records and parameters are camelCase Java, the
 * API is snake_case JSON and query parameters, so a client must read {@code created_by} and
 * {@code matchers[0].op}, never {@code body.createdBy}, a class or a Java type.
 *
 * <p>Convention the translation relies on: a controller's {@code @Body} parameter is named
 * {@code body}, and is not part of the name a client sees.
 */
public final class ApiNames {

    /** The name every controller gives its {@code @Body} parameter. */
    public static final String BODY_PARAMETER = "body";

    // Micronaut serde's messages name the Java property: "Required constructor parameter [String createdBy] at index [3]",
    // "Error decoding property [List matchers] of type [class ...]". Only the property name is kept.
    private static final Pattern SERDE_PROPERTY = Pattern.compile(
            "(?:constructor parameter|decoding property) \\[(?:[^\\]\\s]+\\s)?([A-Za-z_$][\\w$]*)\\]");
    private static final Pattern REQUIRED = Pattern.compile("Required constructor parameter|is not present or is null");
    private static final Pattern TOKEN = Pattern.compile("Unexpected token \\(?([A-Z_]+)\\)?,? expected ([A-Z_]+)");
    private static final Pattern LOCATION = Pattern.compile("line: (\\d+), column: (\\d+)");

    private ApiNames() {
    }

    /** {@code createdBy} → {@code created_by}; already snake_case names are unchanged. */
    public static String snake(String javaName) {
        StringBuilder out = new StringBuilder(javaName.length() + 4);
        for (int i = 0; i < javaName.length(); i++) {
            char c = javaName.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * The API name of a violation's path: the method node and the body parameter are dropped, a
     * query parameter keeps its name, properties are snake_case, list elements carry their index
     * ({@code create.body.matchers[0].op} → {@code matchers[0].op}).
     */
    public static String of(Path path) {
        StringBuilder out = new StringBuilder();
        for (Path.Node node : path) {
            switch (node.getKind()) {
                case METHOD, CONSTRUCTOR, CROSS_PARAMETER, RETURN_VALUE -> {
                    continue;
                }
                case PARAMETER -> {
                    if (!BODY_PARAMETER.equals(node.getName())) {
                        append(out, snake(node.getName()));
                    }
                }
                default -> {
                    if (node.isInIterable()) {
                        out.append('[').append(node.getIndex() != null ? node.getIndex() : node.getKey()).append(']');
                    }
                    String name = node.getName();
                    if (name != null && !name.startsWith("<")) {
                        append(out, snake(name));
                    }
                }
            }
        }
        return out.isEmpty() ? BODY_PARAMETER : out.toString();
    }

    private static void append(StringBuilder out, String segment) {
        if (!out.isEmpty()) {
            out.append('.');
        }
        out.append(segment);
    }

    /** Each violation as an invalid parameter, in path order. */
    public static List<InvalidParam> of(Set<? extends ConstraintViolation<?>> violations) {
        List<InvalidParam> params = new ArrayList<>();
        for (ConstraintViolation<?> v : violations) {
            params.add(new InvalidParam(of(v.getPropertyPath()), v.getMessage()));
        }
        params.sort((a, b) -> a.name().compareTo(b.name()));
        return params;
    }

    /**
     * What can be said about a body that could not be read, without Java: the JSON property it
     * failed on ({@code matchers}, {@code matchers[0].op}, {@code incident}) and whether it was
     * missing or of the wrong kind; or where the text stops being JSON.
     */
    public static List<InvalidParam> ofUnreadableBody(Throwable cause) {
        String path = null;
        Set<String> named = new LinkedHashSet<>();
        boolean required = false;
        String location = null;
        String token = null;
        String format = null;
        boolean syntax = false;
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            syntax |= t instanceof StreamReadException;
            if (t instanceof SerdeException serde && !serde.getPath().isEmpty()) {
                String p = of(serde.getPath());
                if (path == null || p.length() > path.length()) {
                    path = p;
                }
            }
            if (t instanceof InvalidFormatException && format == null && t.getMessage() != null
                    && !t.getMessage().contains("java.") && !t.getMessage().contains("class ")) {
                format = t.getMessage().trim();
            }
            String message = t.getMessage();
            if (message == null) {
                continue;
            }
            Matcher m = SERDE_PROPERTY.matcher(message);
            while (m.find()) {
                named.add(snake(m.group(1)));
            }
            required |= REQUIRED.matcher(message).find();
            Matcher at = LOCATION.matcher(message);
            if (location == null && at.find()) {
                location = "line " + at.group(1) + ", column " + at.group(2);
            }
            Matcher tok = TOKEN.matcher(message);
            if (token == null && tok.find()) {
                token = jsonKind(tok.group(1)) + " where " + jsonKind(tok.group(2)) + " belongs";
            }
        }
        String name = path != null ? path : named.isEmpty() ? null : String.join(".", named);
        String where = location == null ? "" : " (at " + location + ")";
        if (syntax) {
            return List.of(new InvalidParam(BODY_PARAMETER, "is not valid JSON" + where));
        }
        if (required && name != null) {
            return List.of(new InvalidParam(name, "required"));
        }
        if (token != null || format != null) {
            return List.of(new InvalidParam(name == null ? BODY_PARAMETER : name,
                    "has the wrong JSON type: " + (token != null ? token : format) + where));
        }
        if (name != null) {
            return List.of(new InvalidParam(name, "cannot be read" + where));
        }
        return List.of(new InvalidParam(BODY_PARAMETER, "is not valid JSON for this request" + where));
    }

    /** A serde reference path (innermost first) as the API spells it: {@code matchers[0].op}. */
    private static String of(List<ReferencePath> path) {
        StringBuilder out = new StringBuilder();
        for (int i = path.size() - 1; i >= 0; i--) {
            ReferencePath p = path.get(i);
            if (p instanceof CollectionItemReferencePath item) {
                out.append('[').append(item.index()).append(']');
            } else if (p instanceof MapItemReferencePath entry) {
                out.append('[').append(entry.key()).append(']');
            } else if (p.getArgument() != null && p.getArgument().getName() != null) {
                append(out, snake(p.getArgument().getName()));
            }
        }
        return out.toString();
    }

    /** A Jackson token name ({@code START_ARRAY}) as a JSON kind a person reads ({@code an array}). */
    private static String jsonKind(String token) {
        return switch (token) {
            case "START_ARRAY", "END_ARRAY" -> "an array";
            case "START_OBJECT", "END_OBJECT" -> "an object";
            case "VALUE_STRING" -> "a string";
            case "VALUE_NUMBER_INT", "VALUE_NUMBER_FLOAT" -> "a number";
            case "VALUE_TRUE", "VALUE_FALSE" -> "true or false";
            case "VALUE_NULL" -> "null";
            default -> token.toLowerCase(Locale.ROOT);
        };
    }

    /** How to say which kind of value a parameter takes, for a value that is not one. */
    public static String kind(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object c : type.getEnumConstants()) {
                names.add(((Enum<?>) c).name().toLowerCase(Locale.ROOT));
            }
            return "one of " + String.join(", ", names);
        }
        return "a valid value";
    }
}
