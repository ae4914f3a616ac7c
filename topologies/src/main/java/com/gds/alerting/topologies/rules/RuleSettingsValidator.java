package com.gds.alerting.topologies.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.gds.alerting.avro.DimensionSetting;
import com.gds.alerting.avro.MaintenanceWindow;
import com.gds.alerting.avro.RuleSetting;
import com.gds.alerting.avro.RuleSettings;
import com.gds.alerting.avro.SettingMode;
import com.gds.alerting.avro.SettingsLayer;
import com.gds.alerting.contract.Tenants;

/**
 * Checks a platform or tenant settings record on its own (README, "Tenants and the three layers"):
 * its key names its layer, every setting is well formed, and it holds only what its layer may hold
 * ({@code fixed} is the platform's, maintenance the tenants'). What depends on other records — a
 * tenant changing a rule the platform fixed, a writer outside its layer — is the intake's
 * (topology) and {@code gds-rules validate}'s business. Problems name the field, like
 * {@link RuleValidator}'s.
 */
public final class RuleSettingsValidator {

    /** The longest maintenance window: a year, so "maintenance" cannot switch a tenant off for good by mistake. */
    public static final long MAX_MAINTENANCE_MS = RuleValidator.MAX_DURATION_MS;

    private RuleSettingsValidator() {
    }

    /** The scope a settings key names: {@code platform}, or the tenant id of {@code tenant:<id>}; {@code null} when neither. */
    public static String tenantOfKey(String key) {
        if (key == null || !key.startsWith(Tenants.TENANT_KEY_PREFIX)) {
            return null;
        }
        return key.substring(Tenants.TENANT_KEY_PREFIX.length());
    }

    /** Why {@code key} is no settings key, or {@code null}. */
    public static String keyProblem(String key) {
        if (Tenants.PLATFORM_KEY.equals(key)) {
            return null;
        }
        String tenant = tenantOfKey(key);
        if (tenant == null) {
            return "settings records are keyed '" + Tenants.PLATFORM_KEY + "' or '" + Tenants.TENANT_KEY_PREFIX
                    + "<tenant_id>', not '" + key + "'";
        }
        return Tenants.problem(tenant);
    }

    /** Every problem of {@code settings} read under {@code key}; empty when it is valid. */
    public static List<String> validate(String key, RuleSettings settings) {
        List<String> problems = new ArrayList<>();
        String keyProblem = keyProblem(key);
        if (keyProblem != null) {
            problems.add(keyProblem);
            return problems;
        }
        boolean platform = Tenants.PLATFORM_KEY.equals(key);
        if (platform && settings.getLayer() != SettingsLayer.PLATFORM) {
            problems.add("layer: the record keyed 'platform' must be the PLATFORM layer, not " + settings.getLayer());
        }
        if (!platform && settings.getLayer() != SettingsLayer.TENANT) {
            problems.add("layer: the record keyed '" + key + "' must be a TENANT layer, not " + settings.getLayer());
        }
        if (platform && settings.getTenant() != null) {
            problems.add("tenant: the platform layer belongs to no tenant, found '" + settings.getTenant() + "'");
        }
        if (!platform && !tenantOfKey(key).equals(settings.getTenant())) {
            problems.add("tenant: '" + settings.getTenant() + "' is not the key's tenant '" + tenantOfKey(key) + "'");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < settings.getRules().size(); i++) {
            RuleSetting s = settings.getRules().get(i);
            String at = "rules[" + i + "]";
            if (s.getRuleId() == null || !RuleValidator.RULE_ID.matcher(s.getRuleId()).matches()) {
                problems.add(at + ".rule_id: '" + s.getRuleId() + "' is not a rule id");
            } else if (!seen.add(s.getRuleId())) {
                problems.add(at + ".rule_id: '" + s.getRuleId() + "' appears twice; one setting per rule");
            }
            if (s.getFixed() && !platform) {
                problems.add(at + ".fixed: only the platform marks a rule fixed");
            }
            mode(at, s.getMode(), s.getConditions(), problems);
            for (int d = 0; d < s.getDimensions().size(); d++) {
                DimensionSetting dim = s.getDimensions().get(d);
                String dimAt = at + ".dimensions[" + d + "]";
                if (dim.getMatchers().isEmpty()) {
                    problems.add(dimAt + ".matchers: a dimension needs at least one matcher (e.g. tablespace=~\"users.*\")");
                }
                RuleValidator.matchers(dimAt + ".matchers", dim.getMatchers(), problems);
                mode(dimAt, dim.getMode(), dim.getConditions(), problems);
            }
            for (int w = 0; w < s.getSchedules().size(); w++) {
                RuleValidator.schedule(at + ".schedules[" + w + "]", s.getSchedules().get(w), problems);
            }
        }
        if (platform && !settings.getMaintenance().isEmpty()) {
            problems.add("maintenance: maintenance windows are a tenant's; the platform silences with silences");
        }
        for (int i = 0; i < settings.getMaintenance().size(); i++) {
            MaintenanceWindow w = settings.getMaintenance().get(i);
            long length = w.getEndsAt().toEpochMilli() - w.getStartsAt().toEpochMilli();
            if (length <= 0) {
                problems.add("maintenance[" + i + "]: ends_at " + w.getEndsAt() + " is not after starts_at " + w.getStartsAt());
            } else if (length > MAX_MAINTENANCE_MS) {
                problems.add("maintenance[" + i + "]: " + length / 86_400_000L + " days is longer than the "
                        + MAX_MAINTENANCE_MS / 86_400_000L + " days a window may last");
            }
        }
        return problems;
    }

    private static void mode(String at, SettingMode mode, List<com.gds.alerting.avro.Condition> conditions, List<String> problems) {
        if (mode == SettingMode.CUSTOM) {
            if (conditions.isEmpty()) {
                problems.add(at + ".conditions: a custom setting needs its conditions (e.g. WARNING > 80)");
            }
            RuleValidator.conditions(at + ".conditions", conditions, problems);
        } else if (!conditions.isEmpty()) {
            problems.add(at + ".conditions: only a custom setting carries conditions, this one is " + mode);
        }
    }
}
