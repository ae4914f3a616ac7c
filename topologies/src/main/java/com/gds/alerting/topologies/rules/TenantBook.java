package com.gds.alerting.topologies.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.gds.alerting.avro.MaintenanceWindow;
import com.gds.alerting.avro.RuleSetting;
import com.gds.alerting.avro.RuleSettings;
import com.gds.alerting.avro.SettingMode;
import com.gds.alerting.contract.Tenants;

/**
 * The two configuration layers above the rule packs, indexed for evaluation (README, "Tenants and the
 * three layers"): the platform's defaults by rule id, and each tenant's settings by tenant, then by rule
 * id. Resolving a sample costs a few hash look-ups (its tenant, then its rule in that tenant and in the
 * platform) and a scan of that one setting's dimensions: the same with one tenant or thousands. Rules
 * are never copied per tenant.
 *
 * <p>Precedence, per sample: a rule the platform marks {@code fixed} takes the platform's setting and
 * nothing of the tenant's; otherwise the tenant's maintenance (switches the rule off), then the tenant's
 * setting, then the platform's, then the rule's own conditions (overrides, schedules, conditions).
 * {@code DEFAULT} in a layer means "what the layer below says".
 *
 * <p>One writer (the global settings-table processor) and many readers (the stream threads): every
 * entry is an immutable value swapped atomically, so readers never lock.
 */
public final class TenantBook {

    /** One tenant's settings, compiled; immutable. */
    private record TenantLayer(Map<String, LayerSetting> rules, long[] maintenance, RuleSettings source) {

        boolean inMaintenance(long epochMillis) {
            for (int i = 0; i < maintenance.length; i += 2) {
                if (epochMillis >= maintenance[i] && epochMillis < maintenance[i + 1]) {
                    return true;
                }
            }
            return false;
        }
    }

    private record PlatformLayer(Map<String, LayerSetting> rules, RuleSettings source) {
        static final PlatformLayer EMPTY = new PlatformLayer(Map.of(), null);
    }

    private final Map<String, TenantLayer> tenants = new ConcurrentHashMap<>();
    private volatile PlatformLayer platform = PlatformLayer.EMPTY;

    /** Replaces the platform layer with a validated record. */
    public void putPlatform(RuleSettings settings) {
        platform = new PlatformLayer(compile(settings.getRules()), settings);
    }

    public void removePlatform() {
        platform = PlatformLayer.EMPTY;
    }

    /** Adds or replaces one tenant's layer with a validated record. */
    public void putTenant(RuleSettings settings) {
        List<MaintenanceWindow> windows = settings.getMaintenance();
        long[] maintenance = new long[windows.size() * 2];
        for (int i = 0; i < windows.size(); i++) {
            maintenance[2 * i] = windows.get(i).getStartsAt().toEpochMilli();
            maintenance[2 * i + 1] = windows.get(i).getEndsAt().toEpochMilli();
        }
        tenants.put(settings.getTenant(), new TenantLayer(compile(settings.getRules()), maintenance, settings));
    }

    /** Removes a tenant's layer (offboarding); its series then follow the platform's and the packs' settings. */
    public void removeTenant(String tenant) {
        tenants.remove(tenant);
    }

    /** Replaces everything (when the settings table is loaded from its store). */
    public void replaceAll(RuleSettings platformSettings, Collection<RuleSettings> tenantSettings) {
        if (platformSettings == null) {
            removePlatform();
        } else {
            putPlatform(platformSettings);
        }
        tenants.keySet().retainAll(tenantSettings.stream().map(RuleSettings::getTenant).toList());
        for (RuleSettings t : tenantSettings) {
            putTenant(t);
        }
    }

    private static Map<String, LayerSetting> compile(List<RuleSetting> settings) {
        Map<String, LayerSetting> byRule = new HashMap<>();
        for (RuleSetting s : settings) {
            byRule.put(s.getRuleId(), LayerSetting.compile(s));
        }
        return Map.copyOf(byRule);
    }

    /** Whether the platform marks {@code ruleId} fixed: no tenant may change it. */
    public boolean fixed(String ruleId) {
        LayerSetting p = platform.rules().get(ruleId);
        return p != null && p.fixed();
    }

    /**
     * The levels the layers set for a sample of {@code series} (of {@code ruleId}) at {@code epochMillis},
     * or {@code null} when no layer says anything: the rule's own levels apply.
     */
    public Levels levels(String ruleId, Series series, long epochMillis) {
        LayerSetting p = platform.rules().get(ruleId);
        if (p != null && p.fixed()) {
            return p.levelsAt(series, epochMillis);
        }
        TenantLayer t = tenants.isEmpty() ? null : tenants.get(Tenants.of(series.tags()));
        if (t != null) {
            if (t.inMaintenance(epochMillis)) {
                return Levels.DISABLED;
            }
            LayerSetting s = t.rules().get(ruleId);
            if (s != null) {
                Levels levels = s.levelsAt(series, epochMillis);
                if (levels != null) {
                    return levels;
                }
            }
        }
        return p == null ? null : p.levelsAt(series, epochMillis);
    }

    /**
     * Whether a layer switches {@code ruleId} off for {@code series} whatever the time (for the rules whose
     * verdict needs no levels: SLO and absence). Maintenance windows need a time, so they do not count here.
     */
    public boolean disables(String ruleId, Series series) {
        LayerSetting p = platform.rules().get(ruleId);
        if (p != null && p.fixed()) {
            return p.modeFor(series) == SettingMode.DISABLED;
        }
        TenantLayer t = tenants.isEmpty() ? null : tenants.get(Tenants.of(series.tags()));
        LayerSetting s = t == null ? null : t.rules().get(ruleId);
        SettingMode tenantMode = s == null ? SettingMode.DEFAULT : s.modeFor(series);
        if (tenantMode != SettingMode.DEFAULT) {
            return tenantMode == SettingMode.DISABLED;
        }
        return p != null && p.modeFor(series) == SettingMode.DISABLED;
    }

    /** The platform layer as accepted, or {@code null}. */
    public RuleSettings platform() {
        return platform.source();
    }

    /** A tenant's layer as accepted, or {@code null}. */
    public RuleSettings tenant(String tenant) {
        TenantLayer t = tenants.get(tenant);
        return t == null ? null : t.source();
    }

    /** The tenants with settings, in no order. */
    public List<String> tenants() {
        return new ArrayList<>(tenants.keySet());
    }

    public int tenantCount() {
        return tenants.size();
    }
}
