package com.gds.alerting.rulescli.rules;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.gds.alerting.avro.RuleSetting;
import com.gds.alerting.avro.SettingMode;
import com.gds.alerting.config.DidYouMean;
import com.gds.alerting.contract.Tenants;
import com.gds.alerting.contract.Tenants.Role;
import com.gds.alerting.rulescli.rules.SettingsFileParser.ParsedSettings;
import com.gds.alerting.rulescli.yaml.Diagnostics;
import com.gds.alerting.rulescli.yaml.Location;
import com.gds.alerting.topologies.rules.RuleSettingsValidator;

/**
 * Checks settings files per layer, and what each writer may touch (README, "Tenants and the three
 * layers"), deny-list style with the file and line: each file as the topology's {@link
 * RuleSettingsValidator} checks it; no two files for one scope; no tenant setting other than
 * {@code default} for a rule a platform file among them marks {@code fixed}; and, with {@code --as}, the
 * writer's bounds — a tenant writes only its own settings (no rule pack, no platform defaults, no other
 * tenant), a domain expert only packs. A setting for a rule none of the given packs defines is a warning.
 */
public final class SettingsChecker {

    /** Who runs the check ({@code --as}): a role and, for a tenant, its id; {@code null} = no writer bounds. */
    public record Writer(Role role, String tenant) {

        /** {@code platform}, {@code expert} or {@code tenant:<id>}. */
        public static Writer parse(String text) {
            if (text == null) {
                return null;
            }
            String t = text.trim();
            if (t.startsWith(Tenants.TENANT_KEY_PREFIX)) {
                String id = t.substring(Tenants.TENANT_KEY_PREFIX.length());
                if (Tenants.problem(id) != null) {
                    throw new IllegalArgumentException(Tenants.problem(id));
                }
                return new Writer(Role.TENANT, id);
            }
            Role role = Role.parse(t);
            if (role == null || role == Role.TENANT) {
                throw new IllegalArgumentException("'" + text + "' is no writer: platform, expert or tenant:<tenant_id>");
            }
            return new Writer(role, null);
        }

        @Override
        public String toString() {
            return role == Role.TENANT ? "tenant '" + tenant + "'" : role.wireName();
        }
    }

    private SettingsChecker() {
    }

    /**
     * Checks {@code settingsFiles} (and the packs' place in the writer's bounds) and adds every problem to
     * {@code d}; returns the settings read.
     */
    public static List<ParsedSettings> check(List<Path> settingsFiles, List<Path> packFiles, List<ParsedRule> packRules,
                                             Writer writer, Diagnostics d) {
        List<ParsedSettings> all = new ArrayList<>();
        for (Path file : settingsFiles) {
            ParsedSettings parsed = SettingsFileParser.parse(file, file.toString(), d);
            if (parsed == null) {
                continue;
            }
            all.add(parsed);
            // A field that did not parse was left at its default: what the validator says about that default is
            // noise next to the parse error already reported on that line (as RuleChecker does for rules).
            Set<Integer> shapeErrorLines = new HashSet<>();
            if (!parsed.complete()) {
                d.errors().stream().filter(x -> x.location().file().equals(file.toString()))
                        .forEach(x -> shapeErrorLines.add(x.location().line()));
            }
            String scope = scope(parsed);
            for (String problem : RuleSettingsValidator.validate(parsed.key(), parsed.settings())) {
                int colon = problem.indexOf(": ");
                String path = colon < 0 ? "" : problem.substring(0, colon);
                Location at = parsed.locate(path);
                if (!shapeErrorLines.contains(at.line())) {
                    d.error(at, scope + ": " + RuleChecker.yamlNames(problem));
                }
            }
        }
        Map<String, ParsedSettings> byKey = new HashMap<>();
        for (ParsedSettings s : all) {
            ParsedSettings first = byKey.putIfAbsent(s.key(), s);
            if (first != null) {
                d.error(s.locate("tenant"), scope(s) + " are already in " + first.location().file()
                        + "; one file per tenant (and one for the platform)");
            }
        }
        fixedRules(all, d);
        unknownRules(all, packRules, d);
        if (writer != null) {
            bounds(writer, all, packFiles, d);
        }
        return all;
    }

    private static String scope(ParsedSettings s) {
        return s.settings().getTenant() == null ? "the platform defaults" : "the settings of tenant '" + s.settings().getTenant() + "'";
    }

    /** A tenant cannot change what the platform marks fixed: only {@code default} is allowed there. */
    private static void fixedRules(List<ParsedSettings> all, Diagnostics d) {
        Map<String, Location> fixed = new HashMap<>();
        for (ParsedSettings s : all) {
            if (s.settings().getTenant() == null) {
                for (RuleSetting r : s.settings().getRules()) {
                    if (r.getFixed()) {
                        fixed.put(r.getRuleId(), s.locateRule(r.getRuleId()));
                    }
                }
            }
        }
        for (ParsedSettings s : all) {
            if (s.settings().getTenant() == null) {
                continue;
            }
            for (RuleSetting r : s.settings().getRules()) {
                Location fixedAt = fixed.get(r.getRuleId());
                if (fixedAt != null && r.getMode() != SettingMode.DEFAULT) {
                    d.error(s.locateRule(r.getRuleId()), "tenant '" + s.settings().getTenant() + "' cannot change rule '" + r.getRuleId() + "': the platform marks it"
                            + " fixed (" + fixedAt + "); only 'default' is allowed there");
                }
            }
        }
    }

    private static void unknownRules(List<ParsedSettings> all, List<ParsedRule> packRules, Diagnostics d) {
        if (packRules.isEmpty()) {
            return;
        }
        Set<String> known = new HashSet<>();
        for (ParsedRule r : packRules) {
            known.add(r.rule().getRuleId());
        }
        for (ParsedSettings s : all) {
            for (RuleSetting r : s.settings().getRules()) {
                if (!known.contains(r.getRuleId())) {
                    String closest = DidYouMean.closest(r.getRuleId(), known);
                    d.warning(s.locateRule(r.getRuleId()), scope(s) + ": rule '" + r.getRuleId() + "' is in none of the packs given"
                            + (closest == null ? "" : "; did you mean '" + closest + "'?") + " (a setting for no rule changes nothing)");
                }
            }
        }
    }

    private static void bounds(Writer writer, List<ParsedSettings> all, List<Path> packFiles, Diagnostics d) {
        if (writer.role() == Role.TENANT) {
            for (Path pack : packFiles) {
                d.error(Location.start(pack.toString()), writer + " cannot publish pack rules: this file is a rule pack (the domain"
                        + " experts'); tenants change thresholds in their settings file");
            }
        }
        for (ParsedSettings s : all) {
            switch (writer.role()) {
                case PLATFORM -> {
                    // the platform team owns the defaults and may set any tenant
                }
                case EXPERT -> d.error(s.locate("layer"), "an expert publishes rule packs, not " + scope(s));
                case TENANT -> {
                    if (s.settings().getTenant() == null) {
                        d.error(s.locate("layer"), writer + " cannot change the platform defaults");
                    } else if (!s.settings().getTenant().equals(writer.tenant())) {
                        d.error(s.locate("tenant"), writer + " cannot change " + scope(s));
                    }
                }
                default -> throw new IllegalStateException("unknown role " + writer.role());
            }
        }
    }
}
