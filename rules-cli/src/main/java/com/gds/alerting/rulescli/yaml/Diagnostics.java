package com.gds.alerting.rulescli.yaml;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every problem of a run, so the user reads them all at once rather than one per run. */
public final class Diagnostics {

    private final List<Diagnostic> all = new ArrayList<>();

    public void error(Location at, String message) {
        all.add(new Diagnostic(at, Diagnostic.Level.ERROR, message));
    }

    public void warning(Location at, String message) {
        all.add(new Diagnostic(at, Diagnostic.Level.WARNING, message));
    }

    public boolean hasErrors() {
        return all.stream().anyMatch(d -> d.level() == Diagnostic.Level.ERROR);
    }

    public boolean hasWarnings() {
        return all.stream().anyMatch(d -> d.level() == Diagnostic.Level.WARNING);
    }

    /** All diagnostics by file, line and column. */
    public List<Diagnostic> sorted() {
        return all.stream().sorted(Comparator.comparing((Diagnostic d) -> d.location().file())
                .thenComparingInt(d -> d.location().line()).thenComparingInt(d -> d.location().column())).toList();
    }

    public List<Diagnostic> errors() {
        return sorted().stream().filter(d -> d.level() == Diagnostic.Level.ERROR).toList();
    }
}
