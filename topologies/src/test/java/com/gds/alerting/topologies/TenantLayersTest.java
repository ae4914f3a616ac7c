package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.re;
import static com.gds.alerting.topologies.TestRules.schedule;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.DimensionSetting;
import com.gds.alerting.avro.MaintenanceWindow;
import com.gds.alerting.avro.RuleSetting;
import com.gds.alerting.avro.RuleSettings;
import com.gds.alerting.avro.Schedule;
import com.gds.alerting.avro.SettingMode;
import com.gds.alerting.avro.SettingsLayer;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.contract.DeadLetterHeaders;
import com.gds.alerting.contract.Tenants;
import com.gds.alerting.contract.Tenants.Actor;
import com.gds.alerting.contract.Tenants.Role;

/**
 * The three layers (README, "Tenants and the three layers"): the pack rule's conditions, the platform's
 * defaults, a tenant's settings — custom, default, disabled, per dimension, scheduled, in maintenance —
 * resolved per sample by the sample's {@code tenant} tag; and the boundaries the settings intake keeps.
 */
class TenantLayersTest {

    private static final Actor PLATFORM = new Actor("platform-team", Role.PLATFORM, null);
    private static final Actor ACME = new Actor("lead@acme", Role.TENANT, "acme");
    private static final Actor EXPERT = new Actor("dba", Role.EXPERT, null);

    private AlertingFixture fx;

    @BeforeEach
    void start() {
        fx = new AlertingFixture(Instant.parse("2026-04-01T00:00:00Z"));
        fx.rule(threshold("cpu", "cpu_percent", List.of(above(Severity.WARNING, 80))).build());
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private void sample(String tenant, String instance, double value, Instant at) {
        sample(tenant, instance, value, at, Map.of());
    }

    private void sample(String tenant, String instance, double value, Instant at, Map<String, String> more) {
        Map<String, String> tags = new HashMap<>(more);
        tags.put("environment", "prod");
        if (tenant != null) {
            tags.put(Tenants.TAG, tenant);
        }
        fx.sample(instance, "cpu_percent", value, at, tags);
    }

    private List<String> fired() {
        List<String> out = new ArrayList<>();
        for (AlertEvent e : fx.events()) {
            out.add(e.getTransition() + " " + e.getInstanceId());
        }
        return out;
    }

    static RuleSetting custom(String ruleId, double warningAbove) {
        return RuleSetting.newBuilder().setRuleId(ruleId).setMode(SettingMode.CUSTOM)
                .setConditions(List.of(above(Severity.WARNING, warningAbove))).build();
    }

    static RuleSetting mode(String ruleId, SettingMode mode) {
        return RuleSetting.newBuilder().setRuleId(ruleId).setMode(mode).build();
    }

    static RuleSettings tenant(String tenant, RuleSetting... rules) {
        return RuleSettings.newBuilder().setLayer(SettingsLayer.TENANT).setTenant(tenant).setRules(List.of(rules))
                .setUpdatedBy("lead@" + tenant).build();
    }

    static RuleSettings platform(RuleSetting... rules) {
        return RuleSettings.newBuilder().setLayer(SettingsLayer.PLATFORM).setRules(List.of(rules)).build();
    }

    private void asTenant(RuleSettings settings) {
        fx.settings(Tenants.settingsKey(settings.getTenant()), settings, new Actor("lead@" + settings.getTenant(), Role.TENANT,
                settings.getTenant()));
    }

    private List<String> deadLetterReasons() {
        return fx.deadLetters(fx.topics().dlqRules()).stream()
                .map(r -> AlertingFixture.header(r, DeadLetterHeaders.REASON) + ": " + AlertingFixture.header(r, DeadLetterHeaders.ERROR))
                .toList();
    }

    @Test
    void aTenantsCustomThresholdAppliesToItsInstancesOnly() {
        asTenant(tenant("acme", custom("cpu", 95)));
        sample("acme", "acme-db-1", 90, T0);
        sample("beta", "beta-db-1", 90, T0);
        assertEquals(List.of("FIRED beta-db-1"), fired(), "acme may run at 90; beta keeps the pack's 80");
        sample("acme", "acme-db-1", 96, T0.plusSeconds(10));
        List<AlertEvent> events = fx.events();
        assertEquals(1, events.size());
        assertEquals(95.0, events.get(0).getThreshold(), "the tenant's threshold is the one reported");
        assertEquals("acme", events.get(0).getTenant());
        assertEquals("acme", events.get(0).getLabels().get("tenant"));
    }

    @Test
    void defaultMeansThePlatformsDefaultThenThePacks() {
        fx.settings(Tenants.PLATFORM_KEY, platform(custom("cpu", 95)), PLATFORM);
        asTenant(tenant("acme", mode("cpu", SettingMode.DEFAULT)));
        asTenant(tenant("beta", custom("cpu", 85)));
        sample("acme", "acme-db-1", 90, T0);
        sample("beta", "beta-db-1", 90, T0);
        sample(null, "untagged-db", 90, T0);
        assertEquals(List.of("FIRED beta-db-1"), fired(), "acme (default) and the untagged instance follow the platform's 95");
        fx.settings(Tenants.PLATFORM_KEY, null, PLATFORM);
        sample("acme", "acme-db-1", 90, T0.plusSeconds(10));
        assertEquals(List.of("FIRED acme-db-1"), fired(), "without platform defaults, default is the pack's 80");
    }

    @Test
    void disabledSwitchesTheRuleOffForTheTenantAndResolvesWhatFired() {
        sample("acme", "acme-db-1", 99, T0);
        assertEquals(List.of("FIRED acme-db-1"), fired());
        asTenant(tenant("acme", mode("cpu", SettingMode.DISABLED)));
        sample("acme", "acme-db-1", 99, T0.plusSeconds(10));
        sample("beta", "beta-db-1", 99, T0.plusSeconds(10));
        assertEquals(List.of("RESOLVED acme-db-1", "FIRED beta-db-1"), fired());
    }

    @Test
    void aDimensionByRegexGetsItsOwnThreshold() {
        fx.rule(threshold("tablespace-full", "cpu_percent", List.of(above(Severity.WARNING, 80)))
                .setBy(List.of("tablespace")).build());
        fx.rule(threshold("cpu", "other_metric", List.of(above(Severity.WARNING, 80))).build()); // keep "cpu" out of the way
        RuleSetting s = RuleSetting.newBuilder().setRuleId("tablespace-full").setMode(SettingMode.DEFAULT)
                .setDimensions(List.of(new DimensionSetting(List.of(re("tablespace", "users_.*")), SettingMode.CUSTOM,
                        List.of(above(Severity.WARNING, 97))),
                        new DimensionSetting(List.of(re("tablespace", "scratch")), SettingMode.DISABLED, List.of())))
                .build();
        asTenant(tenant("acme", s));
        sample("acme", "acme-db-1", 90, T0, Map.of("tablespace", "users_2024"));
        sample("acme", "acme-db-1", 99, T0, Map.of("tablespace", "scratch"));
        sample("acme", "acme-db-1", 90, T0, Map.of("tablespace", "orders"));
        List<AlertEvent> events = fx.events();
        assertEquals(List.of("tablespace-full:acme-db-1:cpu_percent{tablespace=orders}"),
                events.stream().map(AlertEvent::getAlertKey).toList(), "users_* runs to 97, scratch never alerts, orders keeps 80");
        sample("acme", "acme-db-1", 98, T0.plusSeconds(10), Map.of("tablespace", "users_2024"));
        assertEquals(97.0, fx.events().get(0).getThreshold());
    }

    @Test
    void aTenantScheduleReplacesItsThresholdInItsWindow() {
        Schedule nights = schedule("Europe/Paris", List.of(), "22:00", "06:00", List.of(above(Severity.WARNING, 99)));
        asTenant(tenant("acme", RuleSetting.newBuilder(custom("cpu", 85)).setSchedules(List.of(nights)).build()));
        Instant night = fx.wallClock(); // 2026-04-01T00:00Z, 02:00 in Paris (CEST)
        sample("acme", "acme-db-1", 90, night);
        assertEquals(List.of(), fired(), "at night acme alerts above 99 only");
        fx.advanceWallClock(Duration.ofHours(10));
        sample("acme", "acme-db-1", 90, fx.wallClock()); // 12:00 in Paris
        assertEquals(List.of(), fx.deadLetters(fx.topics().dlqMetrics()), "both samples were evaluated");
        assertEquals(List.of("FIRED acme-db-1"), fired(), "by day its custom 85 applies");
    }

    @Test
    void maintenanceSilencesTheTenantButNotWhatThePlatformFixed() {
        fx.rule(threshold("db-down", "up", List.of(TestRules.below(Severity.CRITICAL, 1))).build());
        fx.settings(Tenants.PLATFORM_KEY, platform(RuleSetting.newBuilder(mode("db-down", SettingMode.DEFAULT)).setFixed(true).build()),
                PLATFORM);
        Instant from = T0.minus(Duration.ofHours(1));
        asTenant(RuleSettings.newBuilder(tenant("acme")).setMaintenance(List.of(
                new MaintenanceWindow(from, T0.plus(Duration.ofHours(1)), "upgrade to PG 18"))).build());
        sample("acme", "acme-db-1", 99, T0);
        fx.sample("acme-db-1", "up", 0, T0, Map.of(Tenants.TAG, "acme"));
        assertEquals(List.of("db-down"), fx.events().stream().map(AlertEvent::getRuleId).toList(),
                "in maintenance only the fixed rule alerts");
        assertEquals(null, fx.state("cpu:acme-db-1:cpu_percent"), "cpu never even went pending during maintenance");
        sample("acme", "acme-db-1", 99, T0.plus(Duration.ofHours(2)));
        assertEquals(List.of("FIRED acme-db-1"), fired(), "after the window, cpu alerts again");
    }

    @Test
    void aTenantCannotChangeWhatThePlatformFixes() {
        fx.settings(Tenants.PLATFORM_KEY, platform(RuleSetting.newBuilder(custom("cpu", 70)).setFixed(true).build()), PLATFORM);
        asTenant(tenant("acme", custom("cpu", 99)));
        List<String> reasons = deadLetterReasons();
        assertEquals(1, reasons.size());
        assertTrue(reasons.get(0).startsWith("LAYER_BOUNDARY: tenant 'acme' cannot change what the platform marks fixed: rules[0] 'cpu'"),
                reasons.get(0));
        sample("acme", "acme-db-1", 75, T0);
        assertEquals(List.of("FIRED acme-db-1"), fired(), "the platform's fixed 70 applies");
        asTenant(tenant("acme", mode("cpu", SettingMode.DEFAULT)));
        assertEquals(List.of(), deadLetterReasons(), "default on a fixed rule is allowed: it changes nothing");
    }

    @Test
    void aSettingAcceptedBeforeThePlatformFixedTheRuleIsIgnoredAfterwards() {
        asTenant(tenant("acme", custom("cpu", 99)));
        fx.settings(Tenants.PLATFORM_KEY, platform(RuleSetting.newBuilder(mode("cpu", SettingMode.DEFAULT)).setFixed(true).build()),
                PLATFORM);
        sample("acme", "acme-db-1", 90, T0);
        assertEquals(List.of("FIRED acme-db-1"), fired(), "fixed: the pack's 80, not acme's 99");
    }

    @Test
    void writersOutsideTheirLayerAreDeadLetteredWithTheReason() {
        fx.settings(Tenants.settingsKey("beta"), tenant("beta", custom("cpu", 99)), ACME);
        fx.settings(Tenants.PLATFORM_KEY, platform(custom("cpu", 99)), ACME);
        fx.settings(Tenants.settingsKey("beta"), null, ACME);
        fx.settings(Tenants.settingsKey("acme"), tenant("acme", custom("cpu", 99)), EXPERT);
        fx.settings(Tenants.settingsKey("acme"), tenant("acme", custom("cpu", 99)), new Actor("someone", null, null));
        fx.settings(Tenants.settingsKey("acme"), tenant("acme", mode("cpu", SettingMode.CUSTOM)), ACME);
        fx.settings(Tenants.settingsKey("acme"), tenant("beta", custom("cpu", 99)), ACME);
        assertEquals(List.of(
                "LAYER_BOUNDARY: tenant 'acme' cannot change the settings of tenant 'beta' (writer 'lead@acme')",
                "LAYER_BOUNDARY: tenant 'acme' cannot change the platform's defaults (writer 'lead@acme')",
                "LAYER_BOUNDARY: tenant 'acme' cannot change the settings of tenant 'beta' (writer 'lead@acme')",
                "LAYER_BOUNDARY: a domain expert publishes rule packs, not the settings of tenant 'acme' (writer 'dba')",
                "MISSING_ACTOR: a settings record must say who writes it: header gds.actor.role (platform or tenant) and, for a tenant, gds.actor.tenant",
                "INVALID_SETTINGS: the settings of tenant 'acme' ('tenant:acme') are invalid, the previous version stays in force:"
                        + " rules[0].conditions: a custom setting needs its conditions (e.g. WARNING > 80)",
                "INVALID_SETTINGS: the settings of tenant 'acme' ('tenant:acme') are invalid, the previous version stays in force:"
                        + " tenant: 'beta' is not the key's tenant 'acme'"),
                deadLetterReasons());
        sample("beta", "beta-db-1", 90, T0);
        sample("acme", "acme-db-1", 90, T0);
        assertEquals(List.of("FIRED beta-db-1", "FIRED acme-db-1"), fired(), "none of them took effect");
    }

    @Test
    void aTenantCannotPublishPackRules() {
        org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        ACME.writeTo(headers);
        com.gds.alerting.avro.Rule loose = threshold("cpu", "cpu_percent", List.of(above(Severity.WARNING, 99))).build();
        fx.raw(fx.topics().rules(), "cpu", fx.encode(fx.topics().rules(), loose), headers);
        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters(fx.topics().dlqRules());
        assertEquals(1, dead.size());
        assertEquals("LAYER_BOUNDARY", AlertingFixture.header(dead.get(0), DeadLetterHeaders.REASON));
        assertTrue(AlertingFixture.header(dead.get(0), DeadLetterHeaders.ERROR).startsWith("a tenant cannot publish or delete pack rules"));
        sample("acme", "acme-db-1", 90, T0);
        assertEquals(List.of("FIRED acme-db-1"), fired(), "the pack's 80 stays in force");
    }

    @Test
    void offboardingRemovesTheTenantsSettings() {
        asTenant(tenant("acme", mode("cpu", SettingMode.DISABLED)));
        sample("acme", "acme-db-1", 90, T0);
        assertEquals(List.of(), fired());
        assertEquals(List.of("acme"), fx.alerting().ruleBook().tenants().tenants());
        fx.settings(Tenants.settingsKey("acme"), null, PLATFORM);
        assertEquals(List.of(), fx.alerting().ruleBook().tenants().tenants());
        assertEquals(null, fx.store(AlertingTopology.Names.SETTINGS_STORE).get("tenant:acme"));
        sample("acme", "acme-db-1", 90, T0.plusSeconds(10));
        assertEquals(List.of("FIRED acme-db-1"), fired());
    }

    @Test
    void instancesWithoutATenantTagBelongToTheDefaultTenant() {
        asTenant(tenant(Tenants.DEFAULT, custom("cpu", 95)));
        sample(null, "legacy-db", 90, T0);
        assertEquals(List.of(), fired());
        sample(null, "legacy-db", 96, T0.plusSeconds(10));
        List<AlertEvent> events = fx.events();
        assertEquals("default", events.get(0).getTenant());
    }

    @Test
    void theAuditTrailNamesTheWriter() {
        RuleSettings unsigned = RuleSettings.newBuilder(tenant("acme", custom("cpu", 95))).setUpdatedBy(null).build();
        fx.settings(Tenants.settingsKey("acme"), unsigned, ACME);
        RuleSettings stored = (RuleSettings) fx.store(AlertingTopology.Names.SETTINGS_STORE).get("tenant:acme");
        assertEquals("lead@acme", stored.getUpdatedBy());
    }
}
