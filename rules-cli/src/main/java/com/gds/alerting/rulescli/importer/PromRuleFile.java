package com.gds.alerting.rulescli.importer;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** A Prometheus rule file: {@code groups[].rules[]}, as {@code promtool check rules} reads it. */
record PromRuleFile(Path file, List<Group> groups) {

    record Group(String name, List<PromRule> rules) {
    }

    /** One rule: an alerting rule ({@code alert} set) or a recording rule ({@code record} set). */
    record PromRule(String alert, String record, String expr, String forDuration, String keepFiringFor,
                    Map<String, String> labels, Map<String, String> annotations) {

        String name() {
            return alert != null ? alert : record;
        }
    }

    /** @throws IllegalArgumentException naming the file and what in it is not a rule file */
    static PromRuleFile read(Path file) throws IOException {
        Object root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(root instanceof Map<?, ?> top) || !(top.get("groups") instanceof List<?> groups)) {
            throw new IllegalArgumentException("not a Prometheus rule file: no top-level 'groups:' list");
        }
        List<Group> out = new ArrayList<>();
        int index = 0;
        for (Object g : groups) {
            index++;
            if (!(g instanceof Map<?, ?> group) || !(group.get("rules") instanceof List<?> rules)) {
                throw new IllegalArgumentException("group " + index + " has no 'rules:' list");
            }
            String name = group.get("name") == null ? "group-" + index : String.valueOf(group.get("name"));
            List<PromRule> parsed = new ArrayList<>();
            int at = 0;
            for (Object r : rules) {
                at++;
                if (!(r instanceof Map<?, ?> rule) || rule.get("expr") == null
                        || rule.get("alert") == null && rule.get("record") == null) {
                    throw new IllegalArgumentException("group " + name + ", rule " + at + ": not an alerting or recording rule"
                            + " (needs 'alert' or 'record', and 'expr')");
                }
                parsed.add(new PromRule(str(rule.get("alert")), str(rule.get("record")), str(rule.get("expr")),
                        str(rule.get("for")), str(rule.get("keep_firing_for")), strings(rule.get("labels")),
                        strings(rule.get("annotations"))));
            }
            out.add(new Group(name, List.copyOf(parsed)));
        }
        return new PromRuleFile(file, List.copyOf(out));
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    private static Map<String, String> strings(Object o) {
        Map<String, String> out = new LinkedHashMap<>();
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        }
        return out;
    }
}
