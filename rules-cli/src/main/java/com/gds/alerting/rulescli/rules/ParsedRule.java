package com.gds.alerting.rulescli.rules;

import java.util.Map;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.rulescli.yaml.Location;

/**
 * A rule read from a file, with where each of its fields was written, so a problem the topology's
 * {@code RuleValidator} reports by field path ({@code conditions[1].recovery_threshold}) is shown at
 * its line and column.
 *
 * @param rule     the record as it will be published
 * @param location where the rule starts
 * @param paths    Avro field path to where it was written
 * @param complete false when the file had shape errors in this rule (a bad duration, an unknown
 *                 severity...): the record is then partial and not worth validating further
 */
public record ParsedRule(Rule rule, Location location, Map<String, Location> paths, boolean complete) {

    /** The location of the longest registered prefix of {@code path}, else the rule's start. */
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
}
