package com.gds.alerting.collectors.source;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every collector says about its monitoring role's grants, the same way for each database
 * type: {@code collector_permission_ok} = 1 when nothing is missing, otherwise 0 with a {@code
 * missing} tag naming the missing grants (comma-separated, in the order the collector checks them),
 * and one WARN line per change naming the target, the principal, each grant, what is withheld
 * without it and how to grant it. The collector itself withholds the figures it cannot see whole;
 * this class only reports. One instance per target, called once per cycle by one thread.
 */
public final class PermissionReport {

    /** The metric every collector publishes. */
    public static final String METRIC = "collector_permission_ok";

    /**
     * A grant the monitoring principal lacks.
     *
     * @param name     what the {@code missing} tag says, e.g. {@code VIEW SERVER STATE}
     * @param withheld what is not published without it, for the log
     * @param fix      the statement that grants it, for the log
     */
    public record Missing(String name, String withheld, String fix) {

        public Missing {
            Objects.requireNonNull(name, "name");
        }
    }

    private final String target;
    private final Logger log;
    private List<String> lastMissing;

    /**
     * @param target how the target is named in the log (its instance id)
     * @param owner  the collector class, whose logger says it (so its lines stay with the collector's)
     */
    public PermissionReport(String target, Class<?> owner) {
        this.target = target;
        this.log = LoggerFactory.getLogger(owner);
    }

    /**
     * Adds this cycle's {@code collector_permission_ok} to {@code out} and logs when the missing
     * grants differ from the previous cycle's (the first cycle logs only when something is missing).
     *
     * @param principal the role or login the collector connects as, for the log
     */
    public void report(String principal, List<Missing> missing, List<Sample> out) {
        List<String> names = missing.stream().map(Missing::name).toList();
        out.add(names.isEmpty() ? Sample.of(METRIC, 1) : Sample.of(METRIC, 0, "missing", String.join(",", names)));
        if (names.equals(lastMissing)) {
            return;
        }
        if (!names.isEmpty()) {
            log.warn("{}: '{}' lacks {}: {}", target, principal, String.join(" and ", names), missing.stream()
                    .map(m -> "without " + m.name() + " " + m.withheld() + " not published; grant it with: " + m.fix())
                    .collect(Collectors.joining("; ")));
        } else if (lastMissing != null) {
            log.info("{}: '{}' now has every grant it needs; every metric is published again", target, principal);
        }
        lastMissing = names;
    }
}
