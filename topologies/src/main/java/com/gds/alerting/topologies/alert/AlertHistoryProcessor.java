package com.gds.alerting.topologies.alert;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.internal.AlertHistory;

/**
 * Keeps the newest transitions of each alert key (at most {@code limit}) for
 * {@code GET /api/v1/alerts/{key}/history}. It sits behind the lifecycle in the same task, so an
 * alert's history lives where its state does, and goes when the resolved retention deletes the state
 * (a null value keyed by the alert key). The full history stays on {@code gds.alerts.events}.
 */
public final class AlertHistoryProcessor implements Processor<Object, Object, Object, Object> {

    private final String storeName;
    private final int limit;
    private KeyValueStore<String, AlertHistory> store;

    public AlertHistoryProcessor(String storeName, int limit) {
        this.storeName = storeName;
        this.limit = limit;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<Object, Object> record) {
        if (record.value() == null && record.key() instanceof String expiredKey) {
            store.delete(expiredKey); // the alert's state was deleted by the resolved retention
            return;
        }
        if (!(record.value() instanceof AlertEvent event)) {
            return;
        }
        AlertHistory history = store.get(event.getAlertKey());
        List<AlertEvent> events = new ArrayList<>(history == null ? List.of() : history.getEvents());
        events.add(event);
        if (events.size() > limit) {
            events = new ArrayList<>(events.subList(events.size() - limit, events.size()));
        }
        store.put(event.getAlertKey(), new AlertHistory(events));
    }

}
