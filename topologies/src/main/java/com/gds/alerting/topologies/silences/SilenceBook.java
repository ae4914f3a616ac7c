package com.gds.alerting.topologies.silences;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.gds.alerting.topologies.rules.Series;

/**
 * The silences in force, shared by the stream threads (one writer: the global silence table). Few
 * silences exist at a time (tens, not thousands), so matching checks each.
 */
public final class SilenceBook {

    private final Map<String, ActiveSilence> silences = new ConcurrentHashMap<>();

    public void put(ActiveSilence silence) {
        silences.put(silence.id(), silence);
    }

    public void remove(String silenceId) {
        silences.remove(silenceId);
    }

    public void replaceAll(Collection<ActiveSilence> all) {
        silences.keySet().retainAll(all.stream().map(ActiveSilence::id).toList());
        all.forEach(this::put);
    }

    /** The id of a silence in force at {@code epochMillis} that matches {@code series}, or {@code null}. */
    public String silencing(Series series, long epochMillis) {
        for (ActiveSilence s : silences.values()) {
            if (s.activeAt(epochMillis) && s.matches(series)) {
                return s.id();
            }
        }
        return null;
    }

    public List<ActiveSilence> all() {
        return List.copyOf(silences.values());
    }
}
