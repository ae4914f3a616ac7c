package com.gds.alerting.rulescli.yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a YAML file as node trees (not Java objects), so every value keeps the line and column it
 * came from. Syntax errors become diagnostics at the place SnakeYAML points to.
 */
public final class YamlSource {

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
        }
        return maps;
    }
}
