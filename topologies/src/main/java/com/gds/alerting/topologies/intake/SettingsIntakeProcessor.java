package com.gds.alerting.topologies.intake;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Record;

import com.gds.alerting.avro.RuleSetting;
import com.gds.alerting.avro.RuleSettings;
import com.gds.alerting.avro.SettingMode;
import com.gds.alerting.contract.Tenants;
import com.gds.alerting.contract.Tenants.Actor;
import com.gds.alerting.contract.Tenants.Role;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.rules.RuleSettingsValidator;
import com.gds.alerting.topologies.rules.TenantBook;

/**
 * The gate of the settings table (README, "Tenants and the three layers"): a platform or tenant settings
 * record on {@code gds.rule-settings} that decodes, validates and stays inside its writer's layer is
 * forwarded to the accepted-settings topic; anything else is dead-lettered (to the rules' dead-letter
 * topic) with the reason, and the previous version stays in force.
 *
 * <p>The boundaries, from the writer's {@code gds.actor.role} / {@code gds.actor.tenant} headers
 * ({@link Tenants}): a record without a role is refused ({@code MISSING_ACTOR}); the platform writes any
 * scope; a tenant only its own ({@code tenant:<its id>}), and never a setting other than {@code default}
 * for a rule the platform marks fixed; a domain expert writes the packs, not settings
 * ({@code LAYER_BOUNDARY}). The headers are what the writer declares: the REST API sets them from the
 * caller's token, and Kafka ACLs on the topic decide who may write at all.
 */
public final class SettingsIntakeProcessor extends IntakeProcessor {

    /** Dead-letter reason: structurally invalid settings. */
    public static final String INVALID_SETTINGS = "INVALID_SETTINGS";
    /** Dead-letter reason: a writer outside its layer (another tenant, the platform's defaults, a fixed rule). */
    public static final String LAYER_BOUNDARY = "LAYER_BOUNDARY";
    /** Dead-letter reason: no {@code gds.actor.role} header. */
    public static final String MISSING_ACTOR = "MISSING_ACTOR";

    private final Deserializer<RuleSettings> deserializer;
    private final TenantBook book;

    public SettingsIntakeProcessor(String name, Deserializer<RuleSettings> deserializer, TenantBook book,
                                   AlertingCounters counters) {
        super(name, "settings", counters, Counter.SETTINGS_DEAD_LETTERED);
        this.deserializer = deserializer;
        this.book = book;
    }

    @Override
    Record<Object, Object> accept(Record<byte[], byte[]> record, String topic) {
        String key = key(record);
        if (key == null) {
            throw new Decoding.Refusal("MISSING_KEY", "settings records are keyed 'platform' or 'tenant:<tenant_id>'; this one has no key");
        }
        String keyProblem = RuleSettingsValidator.keyProblem(key);
        if (keyProblem != null) {
            throw new Decoding.Refusal(INVALID_SETTINGS, keyProblem);
        }
        Actor actor = Actor.of(record.headers());
        String scope = Tenants.PLATFORM_KEY.equals(key) ? "the platform's defaults"
                : "the settings of tenant '" + RuleSettingsValidator.tenantOfKey(key) + "'";
        boundary(actor, key, scope);
        if (record.value() == null) {
            return record.withKey((Object) key).withValue(null);
        }
        RuleSettings settings = Decoding.decode(deserializer, topic, record.headers(), record.value(), "RuleSettings");
        List<String> problems = RuleSettingsValidator.validate(key, settings);
        if (!problems.isEmpty()) {
            throw new Decoding.Refusal(INVALID_SETTINGS, scope + " ('" + key + "') are invalid, the previous version stays in force: "
                    + String.join("; ", problems));
        }
        if (settings.getTenant() != null) {
            List<String> fixed = new ArrayList<>();
            for (int i = 0; i < settings.getRules().size(); i++) {
                RuleSetting s = settings.getRules().get(i);
                if (s.getMode() != SettingMode.DEFAULT && book.fixed(s.getRuleId())) {
                    fixed.add("rules[" + i + "] '" + s.getRuleId() + "'");
                }
            }
            if (!fixed.isEmpty()) {
                throw new Decoding.Refusal(LAYER_BOUNDARY, "tenant '" + settings.getTenant() + "' cannot change what the platform"
                        + " marks fixed: " + String.join(", ", fixed) + " (only 'default' is allowed there); the previous version stays in force");
            }
        }
        if (settings.getUpdatedBy() == null && actor.who() != null) {
            settings.setUpdatedBy(actor.who()); // the audit trail names the writer even when the record forgot to
        }
        return record.withKey((Object) key).withValue((Object) settings);
    }

    private static void boundary(Actor actor, String key, String scope) {
        if (actor.role() == null) {
            throw new Decoding.Refusal(MISSING_ACTOR, "a settings record must say who writes it: header " + Tenants.ACTOR_ROLE_HEADER
                    + " (platform or tenant) and, for a tenant, " + Tenants.ACTOR_TENANT_HEADER);
        }
        switch (actor.role()) {
            case PLATFORM -> {
                // the platform team owns the defaults and may set or offboard any tenant
            }
            case EXPERT -> throw new Decoding.Refusal(LAYER_BOUNDARY, "a domain expert publishes rule packs, not " + scope
                    + " (writer '" + actor.who() + "')");
            case TENANT -> {
                String own = actor.tenant();
                if (own == null) {
                    throw new Decoding.Refusal(MISSING_ACTOR, "a tenant writer must name its tenant in header " + Tenants.ACTOR_TENANT_HEADER);
                }
                if (!key.equals(Tenants.settingsKey(own))) {
                    throw new Decoding.Refusal(LAYER_BOUNDARY, "tenant '" + own + "' cannot change " + scope
                            + " (writer '" + actor.who() + "')");
                }
            }
            default -> throw new IllegalStateException("unknown role " + actor.role());
        }
    }

    /** Whether {@code role} may publish pack rules (on {@code gds.rules}): everyone but a tenant. */
    static boolean mayPublishRules(Role role) {
        return role != Role.TENANT;
    }
}
