package com.gds.alerting.topologies.alert;

import java.util.ArrayList;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;

/**
 * Deletes the states of alerts resolved longer than the retention ago (store {@code alert-state}), so the
 * store holds the open alerts and the recently resolved ones, not every key ever seen. Looks at
 * {@link #PER_TICK} keys per tick, going on from where the previous tick stopped and starting over at the
 * end. Each deletion is forwarded as a tombstone (null value) keyed by the alert key, which drops the
 * alert's history too. An incident opened on the key later starts at incident 1, with message ids new by
 * its start time.
 */
final class RetentionSweep {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionSweep.class);
    /**
     * Alert states the retention sweep looks at per tick: a full pass over a million keys takes
     * about 17 minutes at the default 1 s tick, against a retention of days, and a tick stays short.
     */
    static final int PER_TICK = 1_000;

    private final ProcessorContext<String, SpecificRecord> context;
    private final AlertLifecycle lifecycle;
    private final AlertStates states;
    private final AlertingCounters counters;
    /** Where the sweep goes on (the last key it looked at); null: from the start. */
    private String cursor;

    RetentionSweep(ProcessorContext<String, SpecificRecord> context, AlertLifecycle lifecycle, AlertingCounters counters) {
        this.context = context;
        this.lifecycle = lifecycle;
        this.states = lifecycle.states();
        this.counters = counters;
    }

    void sweep(long now) {
        List<String> expired = new ArrayList<>();
        String last = null;
        int looked = 0;
        boolean more;
        try (KeyValueIterator<String, AlertStatus> it = states.range(cursor, null)) {
            while (it.hasNext() && looked < PER_TICK) {
                KeyValue<String, AlertStatus> kv = it.next();
                if (kv.key.equals(cursor)) {
                    continue;
                }
                looked++;
                last = kv.key;
                if (lifecycle.expired(kv.value, now)) {
                    expired.add(kv.key);
                }
            }
            more = it.hasNext();
        }
        cursor = more ? last : null;
        for (String key : expired) {
            states.delete(key); // a resolved alert has no open entry (resolve removed it): nothing else to delete
            context.forward(new Record<>(key, null, now));
            counters.increment(Counter.RESOLVED_ALERTS_EXPIRED);
        }
        if (!expired.isEmpty()) {
            LOG.debug("deleted {} resolved alert states older than the retention", expired.size());
        }
    }
}
