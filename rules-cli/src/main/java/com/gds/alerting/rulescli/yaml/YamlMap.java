package com.gds.alerting.rulescli.yaml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.gds.alerting.config.DidYouMean;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import com.gds.alerting.config.DidYouMean;
import com.gds.alerting.config.Durations;
import com.gds.alerting.config.InvalidDurationException;

/**
 * A YAML mapping with typed getters that report, instead of throw: a wrong type, an unknown key
 * (with the closest known one) or a duplicate key becomes a diagnostic at the offending node, and
 * the getter returns {@code null} so parsing goes on and finds the next problem too.
 */
public final class YamlMap {

    private final MappingNode node;
    private final String file;
    private final Diagnostics diagnostics;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    /**
     * @param what      what this mapping is, for messages ("rule 'x'", "an override")
     * @param knownKeys the keys allowed here; any other is reported with a did-you-mean
     */
    public YamlMap(MappingNode node, String file, Diagnostics diagnostics, String what, Set<String> knownKeys) {
        this.node = node;
        this.file = file;
        this.diagnostics = diagnostics;
        for (NodeTuple tuple : node.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                diagnostics.error(Location.of(file, tuple.getKeyNode()), "keys must be plain names");
                continue;
            }
            String key = keyNode.getValue();
            if (knownKeys != null && !knownKeys.contains(key)) {
                String hint = DidYouMean.closest(key, knownKeys);
                diagnostics.error(Location.of(file, keyNode), "unknown field '" + key + "' in " + what
                        + (hint == null ? "; known fields: " + String.join(", ", knownKeys) : "; did you mean '" + hint + "'?"));
                continue;
            }
            if (entries.putIfAbsent(key, tuple) != null) {
                diagnostics.error(Location.of(file, keyNode), "'" + key + "' appears twice in " + what + "; keep one");
            }
        }
    }

    public String file() {
        return file;
    }

    public Diagnostics diagnostics() {
        return diagnostics;
    }

    /** Where this mapping starts. */
    public Location location() {
        return Location.of(file, node);
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    public Set<String> keys() {
        return entries.keySet();
    }

    /** Where the value of {@code key} starts, or this mapping's start when it is absent. */
    public Location at(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? location() : Location.of(file, t.getValueNode());
    }

    /** Where the key {@code key} itself is, or this mapping's start when it is absent. */
    public Location keyAt(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? location() : Location.of(file, t.getKeyNode());
    }

    public Node node(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? null : t.getValueNode();
    }

    /** A scalar's text; reports and returns null when it is missing and required, or not a scalar. */
    public String string(String key, boolean required) {
        Node value = node(key);
        if (value == null) {
            if (required) {
                diagnostics.error(location(), "missing required field '" + key + "'");
            }
            return null;
        }
        return scalar(value, key);
    }

    /** The text of a scalar node, or null (reported) when it is a list or mapping. */
    public String scalar(Node value, String what) {
        if (value instanceof ScalarNode s) {
            if (s.getTag().getValue().endsWith(":null")) {
                return null;
            }
            return s.getValue();
        }
        diagnostics.error(Location.of(file, value), "'" + what + "' must be a single value, not a "
                + (value instanceof SequenceNode ? "list" : "mapping"));
        return null;
    }

    public Double number(String key, boolean required) {
        String text = string(key, required);
        if (text == null) {
            return null;
        }
        Double n = parseNumber(text);
        if (n == null) {
            diagnostics.error(at(key), "'" + key + "' must be a number, got '" + text + "'");
        }
        return n;
    }

    /** A number as YAML writes it (also {@code 1e9}, {@code 1_000}), or null. */
    public static Double parseNumber(String text) {
        try {
            double d = Double.parseDouble(text.replace("_", ""));
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public Long integer(String key) {
        Double d = number(key, false);
        if (d == null) {
            return null;
        }
        if (d != Math.rint(d)) {
            diagnostics.error(at(key), "'" + key + "' must be a whole number, got " + d);
            return null;
        }
        return d.longValue();
    }

    public Boolean bool(String key) {
        String text = string(key, false);
        if (text == null) {
            return null;
        }
        return switch (text) {
            case "true", "True", "TRUE" -> true;
            case "false", "False", "FALSE" -> false;
            default -> {
                diagnostics.error(at(key), "'" + key + "' must be true or false, got '" + text + "'");
                yield null;
            }
        };
    }

    /** A duration ({@code 5m}, {@code 1h30m}) in milliseconds. */
    public Long duration(String key, boolean required) {
        String text = string(key, required);
        if (text == null) {
            return null;
        }
        try {
            return Durations.parse(text).toMillis();
        } catch (InvalidDurationException e) {
            diagnostics.error(at(key), "'" + key + "': " + e.getMessage());
            return null;
        }
    }

    /** A nested mapping, or null (reported when present but not a mapping). */
    public YamlMap map(String key, String what, Set<String> knownKeys) {
        Node value = node(key);
        if (value == null) {
            return null;
        }
        if (value instanceof MappingNode m) {
            return new YamlMap(m, file, diagnostics, what, knownKeys);
        }
        diagnostics.error(Location.of(file, value), "'" + key + "' must be a mapping (key: value lines)");
        return null;
    }

    /** The items of a list (a single value counts as a list of one); empty when absent. */
    public List<Node> list(String key) {
        Node value = node(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof SequenceNode seq) {
            return seq.getValue();
        }
        if (value instanceof ScalarNode) {
            return List.of(value);
        }
        diagnostics.error(Location.of(file, value), "'" + key + "' must be a list");
        return List.of();
    }

    /** A mapping of names to scalar values (labels), in file order. */
    public Map<String, String> stringMap(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        Node value = node(key);
        if (value == null) {
            return out;
        }
        if (!(value instanceof MappingNode m)) {
            diagnostics.error(Location.of(file, value), "'" + key + "' must be a mapping of names to values");
            return out;
        }
        for (NodeTuple t : m.getValue()) {
            String k = scalar(t.getKeyNode(), key + " key");
            String v = scalar(t.getValueNode(), key + "." + k);
            if (k != null && v != null) {
                out.put(k, v);
            }
        }
        return out;
    }

    /** The entries of this mapping as (key node, value node) pairs in file order. */
    public List<NodeTuple> tuples(String key) {
        Node value = node(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof MappingNode m) {
            return new ArrayList<>(m.getValue());
        }
        diagnostics.error(Location.of(file, value), "'" + key + "' must be a mapping");
        return List.of();
    }

    /** {@code item} as a mapping with {@code knownKeys}, or null (reported). */
    public YamlMap child(Node item, String what, Set<String> knownKeys) {
        if (item instanceof MappingNode m) {
            return new YamlMap(m, file, diagnostics, what, knownKeys);
        }
        diagnostics.error(Location.of(file, item), what + " must be a mapping (key: value lines)");
        return null;
    }
}
