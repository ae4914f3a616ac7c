package com.gds.alerting.collectors.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import com.gds.alerting.config.ByteSizes;
import com.gds.alerting.config.Durations;
import com.gds.alerting.config.InvalidDurationException;

/**
 * A node of the composed YAML tree that knows its path and line, so every conversion error can
 * say where it is. Values are read as the YAML text; no YAML tags or object construction.
 */
final class YamlNode {


    private final Node node;
    private final String path;
    private final String file;

    YamlNode(Node node, String path, String file) {
        this.node = node;
        this.path = path;
        this.file = file;
    }

    String path() {
        return path;
    }

    int line() {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    ConfigException error(String problem) {
        return new ConfigException(file, line(), path, problem);
    }

    boolean isMapping() {
        return node instanceof MappingNode;
    }

    /** The entries of a mapping, in file order; a duplicate key is an error. */
    Map<String, YamlNode> entries() {
        if (!(node instanceof MappingNode mapping)) {
            throw error("must be a mapping (key: value lines)");
        }
        Map<String, YamlNode> out = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                throw new ConfigException(file, t.getKeyNode().getStartMark().getLine() + 1, path, "keys must be plain names");
            }
            String childPath = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
            if (out.put(key.getValue(), new YamlNode(t.getValueNode(), childPath, file)) != null) {
                throw new ConfigException(file, key.getStartMark().getLine() + 1, childPath, "appears twice");
            }
        }
        return out;
    }

    /** Fails on any key not in {@code allowed}, so a typo does not silently fall back to a default. */
    YamlNode allowOnly(Set<String> allowed) {
        for (Map.Entry<String, YamlNode> e : entries().entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw e.getValue().error("unknown field; expected one of " + new java.util.TreeSet<>(allowed));
            }
        }
        return this;
    }

    YamlNode required(String key) {
        YamlNode child = entries().get(key);
        if (child == null || child.isNull()) {
            throw new ConfigException(file, line(), path.isEmpty() ? key : path + "." + key, "is required");
        }
        return child;
    }

    Optional<YamlNode> optional(String key) {
        YamlNode child = entries().get(key);
        return child == null || child.isNull() ? Optional.empty() : Optional.of(child);
    }

    boolean isNull() {
        return node instanceof ScalarNode s && "tag:yaml.org,2002:null".equals(s.getTag().getValue());
    }

    List<YamlNode> list() {
        if (!(node instanceof SequenceNode seq)) {
            throw error("must be a list");
        }
        List<YamlNode> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            out.add(new YamlNode(seq.getValue().get(i), path + "[" + i + "]", file));
        }
        return out;
    }

    String string() {
        if (!(node instanceof ScalarNode s)) {
            throw error("must be a single value, not a list or mapping");
        }
        String v = s.getValue().trim();
        if (v.isEmpty()) {
            throw error("must not be empty");
        }
        return v;
    }

    String matching(Pattern pattern, String what) {
        String v = string();
        if (!pattern.matcher(v).matches()) {
            throw error("must be " + what + ", got '" + v + "'");
        }
        return v;
    }

    int intInRange(int min, int max) {
        String v = string();
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw error("must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw error("must be a whole number, got '" + v + "'");
        }
    }

    /** A duration longer than zero, in the project's one grammar ({@link Durations}). */
    Duration duration() {
        try {
            return Durations.parsePositive(string());
        } catch (InvalidDurationException e) {
            throw error(e.getMessage());
        }
    }

    long bytes() {
        try {
            return ByteSizes.parse(string());
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    /** A mapping of scalar values, e.g. tags or pass-through client properties. */
    Map<String, YamlNode> scalarEntries() {
        Map<String, YamlNode> out = entries();
        for (YamlNode v : out.values()) {
            v.string();
        }
        return out;
    }

    /** A list of distinct scalar values. */
    List<String> stringList() {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (YamlNode item : list()) {
            String v = item.string();
            if (!seen.add(v)) {
                throw item.error("'" + v + "' is listed twice");
            }
            out.add(v);
        }
        return out;
    }
}
