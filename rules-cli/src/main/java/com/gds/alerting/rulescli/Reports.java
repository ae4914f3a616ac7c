package com.gds.alerting.rulescli;

import java.io.PrintWriter;

import com.gds.alerting.rulescli.rules.RuleChecker;
import com.gds.alerting.rulescli.yaml.Diagnostic;

/** How check results are printed, the same for every command that reads rule files. */
final class Reports {

    private Reports() {
    }

    /** Prints the diagnostics and a one-line verdict; returns whether the rules may be used. */
    static boolean diagnostics(PrintWriter out, RuleChecker.Result result, boolean strict) {
        for (Diagnostic d : result.diagnostics().sorted()) {
            out.println(d);
        }
        long errors = result.diagnostics().sorted().stream().filter(d -> d.level() == Diagnostic.Level.ERROR).count();
        long warnings = result.diagnostics().sorted().size() - errors;
        boolean ok = errors == 0 && (!strict || warnings == 0);
        out.println((ok ? "OK: " : "FAILED: ") + result.rules().size() + " rules, " + errors + " errors, " + warnings + " warnings");
        return ok;
    }
}
