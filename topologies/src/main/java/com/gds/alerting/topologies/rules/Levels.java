package com.gds.alerting.topologies.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.Severity;

/**
 * The severity levels in force for one sample, most urgent first. The verdict is the most urgent
 * level that holds: a level above the alert's current severity must be breached (its threshold);
 * the current level and those below it only need to hold (their recovery threshold), which is
 * the hysteresis of docs/semantics.md.
 */
public final class Levels {

    /** Evaluation switched off for this series (an override in DISABLED mode). */
    public static final Levels DISABLED = new Levels(List.of());

    private final List<Level> mostUrgentFirst;

    private Levels(List<Level> mostUrgentFirst) {
        this.mostUrgentFirst = mostUrgentFirst;
    }

    /** From validated conditions (at most one per severity). */
    public static Levels of(List<Condition> conditions) {
        List<Level> levels = new ArrayList<>(conditions.size());
        for (Condition c : conditions) {
            double recovery = c.getRecoveryThreshold() == null ? c.getThreshold() : c.getRecoveryThreshold();
            levels.add(new Level(c.getSeverity(), c.getOp(), c.getThreshold(), recovery));
        }
        levels.sort(Comparator.comparing(Level::severity).reversed());
        return new Levels(List.copyOf(levels));
    }

    public boolean disabled() {
        return this == DISABLED;
    }

    /**
     * The level the value puts the series at, or {@code null} when healthy.
     *
     * @param value   the sample
     * @param current the severity of the open alert, or {@code null} when no alert is firing
     */
    public Level verdict(double value, Severity current) {
        for (Level level : mostUrgentFirst) {
            boolean holding = current != null && level.severity().compareTo(current) <= 0;
            if (holding ? level.heldBy(value) : level.breachedBy(value)) {
                return level;
            }
        }
        return null;
    }

    public List<Level> levels() {
        return mostUrgentFirst;
    }
}
