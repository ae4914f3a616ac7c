package com.gds.alerting.topologies.silences;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The silences in force, shared by the stream threads (one writer: the global silence table). Few
 * silences exist at a time (tens, not thousands), so matching checks each. Every change increases
 * {@link #version()}, so a stream task can tell when to look again at the alerts a silence kept
 * quiet (a silence deleted or shortened by hand).
 */
public final class SilenceBook {

    private final Map<String, ActiveSilence> silences = new ConcurrentHashMap<>();
    private volatile long version;

    public synchronized void put(ActiveSilence silence) {
        silences.put(silence.id(), silence);
        version++;
    }

    public synchronized void remove(String silenceId) {
        if (silences.remove(silenceId) != null) {
            version++;
        }
    }

    public synchronized void replaceAll(Collection<ActiveSilence> all) {
        silences.keySet().retainAll(all.stream().map(ActiveSilence::id).toList());
        all.forEach(s -> silences.put(s.id(), s));
        version++;
    }

    /**
     * A silence in force at {@code epochMillis} whose matchers match {@code labels}, or {@code null}.
     * When several match, the one that ends last (maintenance mode first), so the alert is looked at
     * again only when it is no longer silenced.
     */
    public ActiveSilence silencing(Map<String, String> labels, long epochMillis) {
        ActiveSilence found = null;
        for (ActiveSilence s : silences.values()) {
            if (s.activeAt(epochMillis) && s.matches(labels) && (found == null || endsLater(s, found))) {
                found = s;
            }
        }
        return found;
    }

    private static boolean endsLater(ActiveSilence a, ActiveSilence b) {
        if (a.endsAt() == null || b.endsAt() == null) {
            return a.endsAt() == null && b.endsAt() != null;
        }
        return a.endsAt() > b.endsAt();
    }

    public ActiveSilence get(String silenceId) {
        return silences.get(silenceId);
    }

    public List<ActiveSilence> all() {
        return List.copyOf(silences.values());
    }

    /** Increases with every change of the silences. */
    public long version() {
        return version;
    }
}
