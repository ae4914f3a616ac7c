package com.gds.alerting.topologies.intake;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.RuleBook;

/**
 * Maintains the global rule table from the accepted-rules topic: the store (queryable by the REST
 * layer) and the {@link RuleBook} index the stream threads evaluate with. On start the book is
 * loaded from the store, which Kafka Streams has restored by then.
 */
public final class RuleTableProcessor implements Processor<String, Rule, Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(RuleTableProcessor.class);

    private final String storeName;
    private final RuleBook ruleBook;
    private final AlertingCounters counters;
    private KeyValueStore<String, Rule> store;

    public RuleTableProcessor(String storeName, RuleBook ruleBook, AlertingCounters counters) {
        this.storeName = storeName;
        this.ruleBook = ruleBook;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
        List<CompiledRule> all = new ArrayList<>();
        try (KeyValueIterator<String, Rule> it = store.all()) {
            while (it.hasNext()) {
                Rule rule = it.next().value;
                try {
                    all.add(CompiledRule.compile(rule, ruleBook.tenants()));
                } catch (IllegalArgumentException e) {
                    LOG.error("stored rule '{}' no longer compiles and is not evaluated: {}", rule.getRuleId(), e.getMessage());
                }
            }
        }
        ruleBook.replaceAll(all);
        LOG.info("rule table loaded: {} rules", all.size());
    }

    @Override
    public void process(Record<String, Rule> record) {
        String ruleId = record.key();
        if (ruleId == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(ruleId);
            ruleBook.remove(ruleId);
            counters.increment(Counter.RULES_DELETED);
            LOG.debug("rule '{}' deleted", ruleId);
            return;
        }
        try {
            CompiledRule compiled = CompiledRule.compile(record.value(), ruleBook.tenants());
            store.put(ruleId, record.value());
            ruleBook.put(compiled);
            counters.increment(Counter.RULES_ACCEPTED);
            LOG.debug("rule '{}' {} (v{})", ruleId, compiled.enabled() ? "in force" : "disabled", ruleBook.version());
        } catch (IllegalArgumentException e) {
            // Only a rule written to the accepted topic by something other than the intake gets here.
            counters.increment(Counter.RULES_DEAD_LETTERED);
            LOG.error("accepted-rules record for '{}' is invalid, the previous version stays in force: {}", ruleId, e.getMessage());
        }
    }
}
