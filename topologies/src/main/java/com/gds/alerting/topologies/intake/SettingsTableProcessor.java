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

import com.gds.alerting.avro.RuleSetting;
import com.gds.alerting.avro.RuleSettings;
import com.gds.alerting.avro.SettingMode;
import com.gds.alerting.contract.Tenants;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.rules.RuleSettingsValidator;
import com.gds.alerting.topologies.rules.TenantBook;

/**
 * Maintains the global settings table from the accepted-settings topic: the store (queryable by the
 * REST layer) and the {@link TenantBook} the rules resolve their levels with. On start the book is
 * loaded from the store. A platform update that fixes a rule some tenant had changed is logged (WARN):
 * from then on that tenant's setting for it is ignored, as the fixed rule demands.
 */
public final class SettingsTableProcessor implements Processor<String, RuleSettings, Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(SettingsTableProcessor.class);

    private final String storeName;
    private final TenantBook book;
    private final AlertingCounters counters;
    private KeyValueStore<String, RuleSettings> store;

    public SettingsTableProcessor(String storeName, TenantBook book, AlertingCounters counters) {
        this.storeName = storeName;
        this.book = book;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
        RuleSettings platform = null;
        List<RuleSettings> tenants = new ArrayList<>();
        try (KeyValueIterator<String, RuleSettings> it = store.all()) {
            while (it.hasNext()) {
                var entry = it.next();
                if (!RuleSettingsValidator.validate(entry.key, entry.value).isEmpty()) {
                    LOG.error("stored settings '{}' no longer validate and are not applied", entry.key);
                } else if (Tenants.PLATFORM_KEY.equals(entry.key)) {
                    platform = entry.value;
                } else {
                    tenants.add(entry.value);
                }
            }
        }
        book.replaceAll(platform, tenants);
        LOG.info("settings table loaded: platform layer {}, {} tenants", platform == null ? "absent" : "present", tenants.size());
    }

    @Override
    public void process(Record<String, RuleSettings> record) {
        String key = record.key();
        if (key == null || RuleSettingsValidator.keyProblem(key) != null) {
            return;
        }
        boolean platform = Tenants.PLATFORM_KEY.equals(key);
        if (record.value() == null) {
            store.delete(key);
            if (platform) {
                book.removePlatform();
            } else {
                book.removeTenant(RuleSettingsValidator.tenantOfKey(key));
            }
            counters.increment(Counter.SETTINGS_DELETED);
            LOG.info("settings '{}' deleted", key);
            return;
        }
        List<String> problems = RuleSettingsValidator.validate(key, record.value());
        if (!problems.isEmpty()) {
            // Only a record written to the accepted topic by something other than the intake gets here.
            counters.increment(Counter.SETTINGS_DEAD_LETTERED);
            LOG.error("accepted-settings record '{}' is invalid, the previous version stays in force: {}", key, problems);
            return;
        }
        store.put(key, record.value());
        if (platform) {
            book.putPlatform(record.value());
            warnAboutOverriddenTenants();
        } else {
            book.putTenant(record.value());
        }
        counters.increment(Counter.SETTINGS_ACCEPTED);
        LOG.info("settings '{}' in force ({} rule settings, by {})", key, record.value().getRules().size(), record.value().getUpdatedBy());
    }

    private void warnAboutOverriddenTenants() {
        for (String tenant : book.tenants()) {
            RuleSettings t = book.tenant(tenant);
            for (RuleSetting s : t.getRules()) {
                if (s.getMode() != SettingMode.DEFAULT && book.fixed(s.getRuleId())) {
                    LOG.warn("tenant '{}' sets rule '{}', which the platform now marks fixed: its setting is ignored", tenant, s.getRuleId());
                }
            }
        }
    }
}
