package com.gds.alerting.service.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.micronaut.context.ApplicationContext;

import com.gds.alerting.service.dispatch.DispatcherSettings;

/** The service's duration settings read the project's one grammar, as every other configuration does. */
class ProjectDurationConverterTest {

    private static ApplicationContext context(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(Map.of(
                // Never the product's default broker (localhost:9092): a local stack may be running there.
                "kafka.bootstrap.servers", "127.0.0.1:1", "gds.watchdog.enabled", "false",
                "gds.self-monitor.enabled", "false", "gds.dispatcher.enabled", "false"));
        try {
            all.put("gds.alerting.state-dir", Files.createTempDirectory("durations-state-").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        all.putAll(settings);
        return ApplicationContext.builder().eagerInitSingletons(false).properties(all).start();
    }

    @Test
    void compoundUnitsWeeksAndIsoAreRead() {
        try (ApplicationContext context = context(Map.of("gds.dispatcher.max-backoff", "1h30m",
                "gds.dispatcher.max-retry-after", "1w", "gds.dispatcher.request-timeout", "PT7S",
                "gds.dispatcher.initial-backoff", "250ms"))) {
            DispatcherSettings settings = context.getBean(DispatcherSettings.class);
            assertEquals(Duration.ofMinutes(90), settings.getMaxBackoff());
            assertEquals(Duration.ofDays(7), settings.getMaxRetryAfter());
            assertEquals(Duration.ofSeconds(7), settings.getRequestTimeout());
            assertEquals(Duration.ofMillis(250), settings.getInitialBackoff());
        }
    }

    @Test
    void aValueNoGrammarReadsStopsTheStartNamingTheSettingAndTheAcceptedForms() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> {
            try (ApplicationContext context = context(Map.of("gds.dispatcher.max-backoff", "90 minutes"))) {
                context.getBean(DispatcherSettings.class);
            }
        });
        String message = messages(e);
        assertTrue(message.contains("max-backoff") || message.contains("maxBackoff"), message);
        assertTrue(message.contains("90 minutes"), message);
        assertTrue(message.contains("1h30m"), "the accepted forms: " + message);
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
