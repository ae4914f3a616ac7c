package com.gds.alerting.service.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.mail.internet.InternetAddress;

/** {@code gds.dispatcher.fallback.*} as Micronaut binds it, and the start-up check that names the wrong key. */
class FallbackSettingsTest {

    private static final Map<String, Object> GOOD = Map.of(
            "gds.dispatcher.enabled", "false",
            "gds.dispatcher.fallback.enabled", "true",
            "gds.dispatcher.fallback.smtp.host", "smtp.example.com",
            "gds.dispatcher.fallback.smtp.port", "587",
            "gds.dispatcher.fallback.smtp.username", "alerts",
            "gds.dispatcher.fallback.smtp.password", "s3cr3t",
            "gds.dispatcher.fallback.smtp.properties.mail.smtp.ssl.trust", "smtp.example.com",
            "gds.dispatcher.fallback.from", "alerts@example.com",
            "gds.dispatcher.fallback.to", "oncall@example.com",
            "gds.dispatcher.fallback.to-by-routing-key.dba-oncall", "dba@example.com, lead@example.com");

    private static FallbackSettings bind(Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(properties);
        // Never the product's default broker (localhost:9092) or state directory: a local stack may be using them.
        all.put("kafka.bootstrap.servers", "127.0.0.1:1");
        all.put("gds.alerting.state-dir", tempDir().toString());
        all.put("gds.watchdog.enabled", "false");
        all.put("gds.self-monitor.enabled", "false");
        try (ApplicationContext context = ApplicationContext.builder().eagerInitSingletons(false).properties(all).start()) {
            return context.getBean(FallbackSettings.class);
        }
    }

    @Test
    void bindsEveryKeyWithRoutingKeysAndJakartaMailPropertiesKeptAsWritten() throws Exception {
        FallbackSettings f = bind(GOOD);
        f.validate();
        assertTrue(f.isEnabled());
        assertEquals("smtp.example.com", f.getSmtp().getHost());
        assertEquals(FallbackSettings.Security.STARTTLS, f.getSmtp().getSecurity(), "STARTTLS unless told otherwise");
        assertEquals(Map.of("mail.smtp.ssl.trust", "smtp.example.com"), f.getSmtp().getProperties());
        assertEquals(List.of("critical", "high"), f.getSeverities(), "P0 and P1 by default");
        assertEquals(List.of(new InternetAddress("dba@example.com"), new InternetAddress("lead@example.com")),
                List.copyOf(f.recipients("dba-oncall", "critical")), "the routing key's list");
        assertEquals(List.of(new InternetAddress("oncall@example.com")), List.copyOf(f.recipients("other", "critical")),
                "else the default");
        assertFalse(f.toString().contains("s3cr3t"), f.toString());
    }

    @Test
    void securityIsWrittenInLowerCaseAsTheReadmeShows() {
        Map<String, Object> p = new HashMap<>(GOOD);
        p.put("gds.dispatcher.fallback.smtp.security", "smtps");
        assertEquals(FallbackSettings.Security.SMTPS, bind(p).getSmtp().getSecurity());
    }

    @Test
    void offByDefaultAndThenNothingIsChecked() {
        FallbackSettings f = bind(Map.of("gds.dispatcher.enabled", "false"));
        assertFalse(f.isEnabled());
        f.validate();
    }

    @Test
    void severityRecipientsWinOverTheDefaultAndLoseToTheRoutingKey() {
        Map<String, Object> p = new HashMap<>(GOOD);
        p.put("gds.dispatcher.fallback.to-by-severity.critical", "cto@example.com");
        FallbackSettings f = bind(p);
        f.validate();
        assertEquals("cto@example.com", f.recipients(null, "critical").get(0).toString());
        assertEquals("oncall@example.com", f.recipients(null, "high").get(0).toString());
        assertEquals("dba@example.com", f.recipients("dba-oncall", "critical").get(0).toString());
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of("gds.dispatcher.fallback.smtp.port", "0", "smtp.port: must be 1..65535"),
                Arguments.of("gds.dispatcher.fallback.smtp.port", "70000", "smtp.port: must be 1..65535"),
                Arguments.of("gds.dispatcher.fallback.smtp.host", "", "smtp.host: required"),
                Arguments.of("gds.dispatcher.fallback.to", "", "fallback.to: the fallback is enabled without recipients"),
                Arguments.of("gds.dispatcher.fallback.to", "not an address", "fallback.to: not an e-mail address"),
                Arguments.of("gds.dispatcher.fallback.from", "", "fallback.from: required"),
                Arguments.of("gds.dispatcher.fallback.severities", "critical,urgent", "fallback.severities: 'urgent'"),
                Arguments.of("gds.dispatcher.fallback.to-by-severity.p0", "a@example.com", "to-by-severity.p0: not a severity"),
                Arguments.of("gds.dispatcher.fallback.smtp.password", null, "smtp.username and smtp.password go together"),
                Arguments.of("gds.dispatcher.fallback.message-id-domain", "gds alerting", "fallback.message-id-domain"),
                Arguments.of("gds.dispatcher.fallback.topic", "gds.metrics.fallback", "fallback.topic"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badSettings")
    void aWrongSettingStopsTheStartNamingItsKey(String key, String value, String expected) {
        Map<String, Object> p = new HashMap<>(GOOD);
        if (value == null) {
            p.remove(key);
        } else {
            p.put(key, value);
        }
        if (key.endsWith(".to") && value.isEmpty()) {
            p.remove("gds.dispatcher.fallback.to-by-routing-key.dba-oncall");
        }
        FallbackSettings f = bind(p);
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> new DispatcherLifecycle(new DispatcherSettings(), f, null, null, null));
        assertTrue(e.getMessage().startsWith("gds.dispatcher.fallback."), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), "never the password: " + e.getMessage());
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("fallback-settings-state-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
