package com.gds.alerting.contract;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The tenant contract (README, "Tenants and the three layers"): every instance belongs to one tenant,
 * named by the {@value #TAG} tag its collector puts on each metric ({@value #DEFAULT} when it puts
 * none); the settings of the upper layers are keyed {@value #PLATFORM_KEY} or {@code tenant:<id>} on
 * the settings topic; and whoever writes a rule or a setting says who they are in the {@code gds.actor*}
 * headers, which the alerting topology checks against the layer the record belongs to.
 */
public final class Tenants {

    /** The metric tag (and alert label) naming the tenant. */
    public static final String TAG = "tenant";
    /** The tenant of an instance whose metrics carry no {@value #TAG} tag. */
    public static final String DEFAULT = "default";
    /** The settings topic's key of the platform layer. */
    public static final String PLATFORM_KEY = "platform";
    /** Prefix of a tenant's key on the settings topic. */
    public static final String TENANT_KEY_PREFIX = "tenant:";
    /** Tenant ids: lower-case letters, digits, '-', '_', '.', starting with a letter or digit, at most 63. */
    public static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    /** Header: who wrote the record (a person or a token's subject), for the audit trail. */
    public static final String ACTOR_HEADER = "gds.actor";
    /** Header: the writer's role, {@code platform}, {@code expert} or {@code tenant}. */
    public static final String ACTOR_ROLE_HEADER = "gds.actor.role";
    /** Header: the writer's tenant, with role {@code tenant}. */
    public static final String ACTOR_TENANT_HEADER = "gds.actor.tenant";

    /** Who may change what: the platform team everything, domain experts the packs, a tenant its own settings. */
    public enum Role {
        PLATFORM, EXPERT, TENANT;

        /** {@code platform}, {@code expert}, {@code tenant}. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The role of a wire name (any case), or {@code null} when it names none. */
        public static Role parse(String name) {
            if (name == null) {
                return null;
            }
            for (Role r : values()) {
                if (r.wireName().equalsIgnoreCase(name.trim())) {
                    return r;
                }
            }
            return null;
        }
    }

    private Tenants() {
    }

    /** The tenant of a metric's tags: the {@value #TAG} tag, or {@value #DEFAULT}. */
    public static String of(Map<String, String> tags) {
        String tenant = tags == null ? null : tags.get(TAG);
        return tenant == null || tenant.isEmpty() ? DEFAULT : tenant;
    }

    /** {@code tenant:<id>}. */
    public static String settingsKey(String tenant) {
        return TENANT_KEY_PREFIX + tenant;
    }

    /** Why {@code id} is not a tenant id, or {@code null} when it is one. */
    public static String problem(String id) {
        if (id == null || !TENANT_ID.matcher(id).matches()) {
            return "tenant id '" + id + "' must be 1-63 characters of a-z 0-9 . _ -, starting with a letter or digit";
        }
        return null;
    }

    /** The actor a record's headers declare; {@code null} role when it declares none. */
    public record Actor(String who, Role role, String tenant) {

        /** The declared actor of {@code headers} (the last value of each header counts). */
        public static Actor of(Headers headers) {
            return new Actor(text(headers, ACTOR_HEADER), Role.parse(text(headers, ACTOR_ROLE_HEADER)),
                    text(headers, ACTOR_TENANT_HEADER));
        }

        /** Writes this actor's headers onto {@code headers}. */
        public void writeTo(Headers headers) {
            if (who != null) {
                headers.add(ACTOR_HEADER, who.getBytes(StandardCharsets.UTF_8));
            }
            if (role != null) {
                headers.add(ACTOR_ROLE_HEADER, role.wireName().getBytes(StandardCharsets.UTF_8));
            }
            if (tenant != null) {
                headers.add(ACTOR_TENANT_HEADER, tenant.getBytes(StandardCharsets.UTF_8));
            }
        }

        private static String text(Headers headers, String name) {
            Header h = headers == null ? null : headers.lastHeader(name);
            return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
    }
}
