package com.gds.alerting.rulescli.yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a YAML file as node trees (not Java objects), so every value keeps the line and column it
 * came from. Syntax errors become diagnostics at the place SnakeYAML points to; a directory, a
 * file over {@link #MAX_BYTES}, deeper than {@link #MAX_NESTING_DEPTH}, with more than {@link
 * #MAX_ALIASES} aliases, binary or not UTF-8 is invalid input too (exit 1, the file named), never
 * an I/O failure.
 */
public final class YamlSource {

    /** Largest rule file, in bytes (and code points). */
    public static final int MAX_BYTES = 3 * 1024 * 1024;
    /** Deepest nesting of mappings and sequences. */
    public static final int MAX_NESTING_DEPTH = 50;
    /** Most aliases to collections (a "billion laughs" document has many). */
    public static final int MAX_ALIASES = 50;

    private YamlSource() {
    }

    /**
     * The top-level mappings of the documents in {@code file} ({@code ---} separates documents);
     * empty when the file cannot be read or parsed, with the reason in {@code diagnostics}.
     */
    public static List<YamlMap> documents(Path file, String name, java.util.Set<String> knownKeys, Diagnostics diagnostics) {
        List<YamlMap> maps = new ArrayList<>();
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING_DEPTH);
        options.setCodePointLimit(MAX_BYTES);
        String unreadable = unreadable(file);
        if (unreadable != null) {
            diagnostics.error(Location.start(name), unreadable);
            return List.of();
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (Node node : new Yaml(options).composeAll(reader)) {
                if (node instanceof MappingNode mapping) {
                    maps.add(new YamlMap(mapping, name, diagnostics, "the file", knownKeys));
                } else if (node != null) {
                    diagnostics.error(Location.of(name, node), "expected a mapping with keys " + knownKeys
                            + " at the top of the document");
                }
            }
        } catch (MarkedYAMLException e) {
            var mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            Location at = mark == null ? Location.start(name) : new Location(name, mark.getLine() + 1, mark.getColumn() + 1);
            diagnostics.error(at, "YAML syntax: " + e.getProblem() + (e.getContext() == null ? "" : " (" + e.getContext() + ")"));
            return List.of();
        } catch (IOException e) {
            diagnostics.error(Location.start(name), "cannot read the file: " + e);
            return List.of();
        } catch (YAMLException e) {
            // Past a limit (nesting, aliases, size), not UTF-8, or binary: invalid input, named, never a crash.
            Throwable cause = e.getCause() instanceof CharacterCodingException ? e.getCause() : e;
            diagnostics.error(Location.start(name), "not a YAML rule file: " + (cause instanceof CharacterCodingException
                    ? "not UTF-8 text" : e.getMessage()));
            return List.of();
        }
        return maps;
    }

    /** Why {@code file} is not even worth parsing (a directory, too large, not there), or null. */
    private static String unreadable(Path file) {
        if (Files.isDirectory(file)) {
            return "is a directory, not a rule file";
        }
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                return "is " + size + " bytes; a rule file is at most " + MAX_BYTES + " bytes (3 MiB)";
            }
        } catch (IOException e) {
            return "cannot read the file: " + e;
        }
        return null;
    }
}
