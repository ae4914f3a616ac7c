package com.gds.alerting.topologies.silences;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.Silence;

/**
 * Maintains the global silence table from {@code gds.silences}: the store the REST layer lists,
 * and the {@link SilenceBook} the lifecycle consults. Writers validate silences before publishing
 * (the REST API answers 400 otherwise); a record that does not validate anyway is logged and left
 * out, never applied.
 */
public final class SilenceTableProcessor implements Processor<String, Silence, Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(SilenceTableProcessor.class);

    private final String storeName;
    private final SilenceBook book;
    private KeyValueStore<String, Silence> store;

    public SilenceTableProcessor(String storeName, SilenceBook book) {
        this.storeName = storeName;
        this.book = book;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
        List<ActiveSilence> all = new ArrayList<>();
        try (KeyValueIterator<String, Silence> it = store.all()) {
            it.forEachRemaining(kv -> all.add(ActiveSilence.of(kv.value)));
        }
        book.replaceAll(all);
    }

    @Override
    public void process(Record<String, Silence> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
            book.remove(record.key());
            return;
        }
        List<String> problems = SilenceValidator.validate(record.value());
        if (!problems.isEmpty() || !record.key().equals(record.value().getSilenceId())) {
            LOG.error("silence record '{}' ignored: {}", record.key(), problems.isEmpty() ? "key is not its silence_id" : problems);
            return;
        }
        store.put(record.key(), record.value());
        book.put(ActiveSilence.of(record.value()));
    }
}
