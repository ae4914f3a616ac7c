package com.gds.alerting.rulescli;

import java.io.PrintWriter;
import java.util.Map;

import com.gds.alerting.rulescli.publish.RuleDiff;

/** Prints a {@link RuleDiff} the way a reviewer reads it: one line per rule, one per changed field. */
final class DiffPrinter {

    private DiffPrinter() {
    }

    static void print(PrintWriter out, RuleDiff diff, String topic) {
        out.println("Diff against " + topic + ": " + diff.added().size() + " added, " + diff.changed().size() + " changed, "
                + diff.removed().size() + " removed, " + diff.unchanged() + " unchanged");
        diff.added().forEach(r -> out.println("  + " + r.getRuleId() + "   (" + r.getSource() + ")"));
        for (RuleDiff.Change c : diff.changed()) {
            out.println("  ~ " + c.rule().getRuleId() + "   (" + c.rule().getSource() + ")");
            for (Map.Entry<String, Object[]> f : c.fields().entrySet()) {
                out.println("      " + f.getKey() + ": " + f.getValue()[0] + " -> " + f.getValue()[1]);
            }
        }
        diff.removed().forEach(id -> out.println("  - " + id + "   (not in any file: tombstone)"));
    }
}
