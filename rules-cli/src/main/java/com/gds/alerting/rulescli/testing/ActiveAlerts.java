package com.gds.alerting.rulescli.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;

/** The alerts open at a moment (pending, firing or acknowledged), folded from the topology's events. */
public final class ActiveAlerts {

    private final Map<String, AlertEvent> latest = new TreeMap<>();

    /** Applies events in the order the topology emitted them. */
    public void apply(List<AlertEvent> events) {
        for (AlertEvent e : events) {
            latest.put(e.getAlertKey(), e);
        }
    }

    /** The open alerts, by alert key. */
    public List<AlertEvent> open() {
        List<AlertEvent> out = new ArrayList<>();
        for (AlertEvent e : latest.values()) {
            if (e.getState() != AlertState.RESOLVED) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparing(AlertEvent::getAlertKey));
        return out;
    }
}
