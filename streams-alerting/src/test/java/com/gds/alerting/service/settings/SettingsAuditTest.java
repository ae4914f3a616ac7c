package com.gds.alerting.service.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;

/** A setting the service does not read stops the start, named, with where it came from and what it likely meant. */
class SettingsAuditTest {

    private static final Set<String> KNOWN = Set.of("gds.alerting.stream-threads", "gds.alerting.state-dir",
            "gds.dispatcher.max-attempts", "gds.dispatcher.base-url", "gds.auth.tokens.*.sha256",
            "gds.auth.tokens.*.rights", "gds.api.max-concurrent-lists", "gds.dispatcher.labels.**");

    private static List<SettingsAudit.Unknown> audit(PropertySource... sources) {
        return SettingsAudit.audit(List.of(sources), KNOWN);
    }

    @Test
    void aMistypedKeyInTheFilesIsNamedWithTheSettingItLikelyMeant() {
        List<SettingsAudit.Unknown> u = audit(PropertySource.of("application.yml", Map.of(
                "gds.alerting.stream-thread", 4, "gds.alerting.stateDir", "/x", "gds.dispatcher.labels.team", "dba",
                "gds.auth.tokens.oncall.sha256", "ab", "gds.auth.tokens.oncall.rights[0]", "read",
                "gds.auth.tokens.oncall.sha265", "ab", "gds.serde.basic.auth.user.info", "u:p",
                "gds.topics.whatever", "t", "micronaut.server.port", 1)));
        assertEquals(2, u.size(), u.toString());
        assertEquals(new SettingsAudit.Unknown("gds.alerting.stream-thread", "application.yml", "gds.alerting.stream-threads"),
                u.get(0));
        assertEquals("gds.auth.tokens.oncall.sha265", u.get(1).key());
    }

    @Test
    void aSectionThatDoesNotExistIsNamedToo() {
        List<SettingsAudit.Unknown> u = audit(PropertySource.of("system properties", Map.of("gds.dispatch.base-url", "http://x")));
        assertEquals(List.of(new SettingsAudit.Unknown("gds.dispatch.base-url", "system properties", "gds.dispatcher.base-url")), u);
    }

    @Test
    void environmentVariablesOfTheServiceSectionsAreAuditedOthersAreNot() {
        List<SettingsAudit.Unknown> u = audit(PropertySource.of("env", Map.of(
                "GDS_DISPATCHER_MAX_ATEMPTS", "10", "GDS_DISPATCHER_MAX_ATTEMPTS", "3", "GDS_ALERTING_STATE_DIR", "/x",
                "GDS_AUTH_TOKENS_ONCALL_SHA256", "ab", "GDS_AUTH_TOKENS_ON_CALL_SHA256", "ab",
                "GDS_DISPATCHER_LABELS_TEAM", "dba", "GDS_CHROMIUM", "/usr/bin/chromium", "GDS_SERDE_X", "y"),
                PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE));
        assertEquals(List.of(
                // A token's name may not contain '_': this is no token's setting.
                new SettingsAudit.Unknown("GDS_AUTH_TOKENS_ON_CALL_SHA256", "environment variable", "GDS_AUTH_TOKENS_*_SHA256"),
                new SettingsAudit.Unknown("GDS_DISPATCHER_MAX_ATEMPTS", "environment variable", "GDS_DISPATCHER_MAX_ATTEMPTS")), u);
    }

    @Test
    void theKnownKeysAreFoundFromTheSettingsClasses() {
        try (ApplicationContext context = ApplicationContext.builder().eagerInitSingletons(false)
                // Never the product's default broker (localhost:9092): a local stack may be running there.
                .properties(Map.of("kafka.bootstrap.servers", "127.0.0.1:1", "gds.watchdog.enabled", "false",
                        "gds.self-monitor.enabled", "false")).build()) {
            context.start();
            Set<String> known = SettingsAudit.knownKeys(context);
            for (String k : List.of("gds.alerting.state-dir", "gds.alerting.rocksdb-memory", "gds.dispatcher.max-attempts",
                    "gds.event-stream.max-streams", "gds.console.series-timeout", "gds.self-monitor.lag-threshold",
                    "gds.watchdog.interval", "gds.auth.tokens.*.sha256", "gds.api.max-concurrent-lists",
                    "gds.shadow-diff.max-transitions", "gds.dispatcher.fallback.smtp.host")) {
                assertTrue(known.contains(k), k + " in " + known);
            }
        } catch (RuntimeException e) {
            throw new AssertionError("the context should start without a broker for this check", e);
        }
    }

    @Test
    void theServiceDoesNotStartWithASettingItWouldIgnore() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> ApplicationContext.run(Map.of(
                "gds.alerting.stream-thread", 4, "kafka.bootstrap.servers", "127.0.0.1:1")).close());
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertTrue(root.getMessage().contains("gds.alerting.stream-thread (") && root.getMessage().contains(
                "did you mean gds.alerting.stream-threads?"), root.getMessage());
    }
}
