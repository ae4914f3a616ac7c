package com.gds.alerting.rulescli.rules;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

import com.gds.alerting.avro.DimensionSetting;
import com.gds.alerting.avro.MaintenanceWindow;
import com.gds.alerting.avro.RuleSetting;
import com.gds.alerting.avro.RuleSettings;
import com.gds.alerting.avro.SettingMode;
import com.gds.alerting.avro.SettingsLayer;
import com.gds.alerting.contract.Tenants;
import com.gds.alerting.rulescli.yaml.Diagnostics;
import com.gds.alerting.rulescli.yaml.Location;
import com.gds.alerting.rulescli.yaml.YamlMap;
import com.gds.alerting.rulescli.yaml.YamlSource;

/**
 * Maps a settings file — the platform's defaults ({@code layer: platform}) or one tenant's settings
 * ({@code layer: tenant}, {@code tenant: <id>}) — to a {@link RuleSettings} record, remembering where each
 * field was written (README, "Tenants and the three layers"):
 *
 * <pre>
 * layer: tenant
 * tenant: acme
 * rules:
 *   pg-connections-saturated:            # custom: its own severities
 *     severities: {warning: '&gt; 0.9'}
 *     dimensions:
 *       - match: [tablespace =~ "users_.*"]
 *         severities: {warning: '&gt; 0.97'}
 *   pg-replication-lag: default
 *   pg-long-transaction: disabled
 * maintenance:
 *   - {from: 2026-12-24T20:00:00Z, to: 2026-12-25T02:00:00Z, comment: PG 18 upgrade}
 * </pre>
 */
public final class SettingsFileParser {

    static final Set<String> FILE_KEYS = Set.of("layer", "tenant", "rules", "maintenance");
    static final Set<String> SETTING_KEYS = Set.of("mode", "severities", "fixed", "dimensions", "schedules");
    static final Set<String> DIMENSION_KEYS = Set.of("match", "mode", "severities");
    static final Set<String> MAINTENANCE_KEYS = Set.of("from", "to", "comment");
    private static final Pattern LAYER_LINE = Pattern.compile("(?m)^layer\\s*:");

    static {
        com.gds.alerting.avro.serde.AvroClassTrust.install(); // the builders resolve nested record classes
    }

    private SettingsFileParser() {
    }

    /**
     * A settings file read: the record, its key on the settings topic, and where its fields were written.
     *
     * @param complete false when the file had shape errors: the record is partial, not worth validating further
     */
    public record ParsedSettings(String key, RuleSettings settings, Location location, Map<String, Location> paths,
                                 boolean complete) {

        /** The location of the longest registered prefix of {@code path}, else the file's start. */
        public Location locate(String path) {
            String p = path;
            while (!p.isEmpty()) {
                Location at = paths.get(p);
                if (at != null) {
                    return at;
                }
                int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
                p = cut < 0 ? "" : p.substring(0, cut);
            }
            return location;
        }

        /** Where the setting of {@code ruleId} was written, or the file's start. */
        public Location locateRule(String ruleId) {
            for (int i = 0; i < settings.getRules().size(); i++) {
                if (settings.getRules().get(i).getRuleId().equals(ruleId)) {
                    return locate("rules[" + i + "]");
                }
            }
            return location;
        }
    }

    /** Whether {@code file} is a settings file (it has a top-level {@code layer:}) rather than a rule pack. */
    public static boolean isSettingsFile(Path file) {
        try {
            return Files.isRegularFile(file) && Files.size(file) <= YamlSource.MAX_BYTES
                    && LAYER_LINE.matcher(Files.readString(file)).find();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /** The settings of {@code file} (one document); problems go to {@code diagnostics}; null when unreadable. */
    public static ParsedSettings parse(Path file, String name, Diagnostics d) {
        List<YamlMap> docs = YamlSource.documents(file, name, FILE_KEYS, d);
        if (docs.isEmpty()) {
            return null;
        }
        if (docs.size() > 1) {
            d.error(docs.get(1).location(), "a settings file holds one layer (one document); put each tenant in its own file");
        }
        int before = d.errors().size();
        YamlMap doc = docs.get(0);
        Map<String, Location> paths = new HashMap<>();
        RuleSettings.Builder b = RuleSettings.newBuilder();
        String layerText = doc.string("layer", true);
        paths.put("layer", doc.at("layer"));
        SettingsLayer layer = SettingsLayer.TENANT;
        if ("platform".equalsIgnoreCase(layerText)) {
            layer = SettingsLayer.PLATFORM;
        } else if (layerText != null && !"tenant".equalsIgnoreCase(layerText)) {
            d.error(doc.at("layer"), "unknown layer '" + layerText + "'; a settings file is 'layer: platform' or 'layer: tenant'"
                    + " (rule packs are files with a 'rules:' list and no layer)");
        }
        b.setLayer(layer);
        String tenant = doc.string("tenant", layer == SettingsLayer.TENANT);
        paths.put("tenant", doc.has("tenant") ? doc.at("tenant") : doc.location());
        if (layer == SettingsLayer.TENANT && tenant != null && Tenants.problem(tenant) != null) {
            d.error(doc.at("tenant"), Tenants.problem(tenant));
        }
        b.setTenant(tenant);
        List<RuleSetting> rules = new ArrayList<>();
        boolean broken = false;
        for (NodeTuple t : doc.tuples("rules")) {
            String ruleId = doc.scalar(t.getKeyNode(), "rules");
            String at = "rules[" + rules.size() + "]";
            Location keyAt = Location.of(name, t.getKeyNode());
            paths.put(at, keyAt);
            paths.put(at + ".rule_id", keyAt);
            RuleSetting.Builder s = RuleSetting.newBuilder().setRuleId(ruleId == null ? "" : ruleId).setMode(SettingMode.DEFAULT);
            Node value = t.getValueNode();
            if (value instanceof ScalarNode) {
                SettingMode mode = mode(doc.scalar(value, ruleId), Location.of(name, value), d, false);
                paths.put(at + ".mode", Location.of(name, value));
                if (mode == null) {
                    broken = true;
                } else {
                    s.setMode(mode);
                }
                rules.add(s.build());
                continue;
            }
            YamlMap entry = doc.child(value, "the setting of rule '" + ruleId + "'", SETTING_KEYS);
            if (entry == null) {
                broken = true;
                continue;
            }
            RuleFileParser.RuleMapping mapping = new RuleFileParser.RuleMapping(entry, List.of());
            s.setConditions(mapping.levels(entry, "severities", "conditions"));
            SettingMode mode = modeOf(entry, "mode", !s.getConditions().isEmpty(), d);
            paths.put(at + ".mode", entry.has("mode") ? entry.at("mode") : keyAt);
            if (mode == null) {
                broken = true;
            } else {
                s.setMode(mode);
            }
            Boolean fixed = entry.bool("fixed");
            s.setFixed(fixed != null && fixed);
            paths.put(at + ".fixed", entry.has("fixed") ? entry.at("fixed") : keyAt);
            List<DimensionSetting> dimensions = new ArrayList<>();
            for (Node item : entry.list("dimensions")) {
                YamlMap dim = entry.child(item, "a dimension", DIMENSION_KEYS);
                String dimAt = "dimensions[" + dimensions.size() + "]";
                if (dim == null) {
                    broken = true;
                    continue;
                }
                mapping.paths().put(dimAt, dim.location());
                var matchers = mapping.matchers(dim, "match", dimAt + ".matchers");
                var conditions = mapping.levels(dim, "severities", dimAt + ".conditions");
                SettingMode dimMode = modeOf(dim, "mode", !conditions.isEmpty(), d);
                mapping.paths().put(dimAt + ".mode", dim.has("mode") ? dim.at("mode") : dim.location());
                dimensions.add(new DimensionSetting(matchers, dimMode == null ? SettingMode.DEFAULT : dimMode, conditions));
                broken |= dimMode == null;
            }
            s.setDimensions(dimensions);
            s.setSchedules(mapping.schedules());
            broken |= mapping.broken();
            for (Map.Entry<String, Location> e : mapping.paths().entrySet()) {
                paths.putIfAbsent(at + "." + e.getKey(), e.getValue());
            }
            paths.put(at + ".conditions", entry.has("severities") ? entry.keyAt("severities") : keyAt);
            rules.add(s.build());
        }
        b.setRules(rules);
        List<MaintenanceWindow> maintenance = new ArrayList<>();
        for (Node item : doc.list("maintenance")) {
            YamlMap w = doc.child(item, "a maintenance window", MAINTENANCE_KEYS);
            String at = "maintenance[" + maintenance.size() + "]";
            if (w == null) {
                broken = true;
                continue;
            }
            paths.put(at, w.location());
            Instant from = instant(w, "from", d);
            Instant to = instant(w, "to", d);
            if (from == null || to == null) {
                broken = true;
                continue;
            }
            maintenance.add(new MaintenanceWindow(from, to, w.string("comment", false)));
        }
        b.setMaintenance(maintenance);
        Location start = doc.location();
        b.setSource(start.file());
        String key = layer == SettingsLayer.PLATFORM ? Tenants.PLATFORM_KEY : Tenants.settingsKey(tenant == null ? "" : tenant);
        return new ParsedSettings(key, b.build(), start, Map.copyOf(paths), !broken && d.errors().size() == before);
    }

    private static SettingMode modeOf(YamlMap map, String key, boolean hasConditions, Diagnostics d) {
        String text = map.string(key, false);
        if (text == null) {
            return hasConditions ? SettingMode.CUSTOM : SettingMode.DEFAULT;
        }
        return mode(text, map.at(key), d, true);
    }

    private static SettingMode mode(String text, Location at, Diagnostics d, boolean customAllowed) {
        if (text != null) {
            try {
                SettingMode mode = SettingMode.valueOf(text.trim().toUpperCase(Locale.ROOT));
                if (mode != SettingMode.CUSTOM || customAllowed) {
                    return mode;
                }
                d.error(at, "'custom' needs its severities: write the rule as a mapping with 'severities:'");
                return null;
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        d.error(at, "unknown setting '" + text + "'; one of default, disabled, or a mapping with 'severities:' (custom)");
        return null;
    }

    private static Instant instant(YamlMap w, String key, Diagnostics d) {
        String text = w.string(key, true);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            d.error(w.at(key), "'" + text + "' is not an instant as ISO-8601 UTC (e.g. 2026-12-24T20:00:00Z)");
            return null;
        }
    }
}
