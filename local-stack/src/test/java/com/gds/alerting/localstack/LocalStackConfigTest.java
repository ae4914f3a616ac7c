package com.gds.alerting.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalStackConfigTest {

    @Test
    void defaultsNeedNothingConfigured() {
        LocalStackConfig c = LocalStackConfig.parse(List.of());
        assertEquals(Path.of("data", "local-stack"), c.dataDir());
        assertEquals(9092, c.kafkaPort());
        assertEquals(8081, c.registryPort());
        assertEquals(Duration.ofSeconds(5), c.interval());
    }

    @Test
    void flagsOverrideDefaults() {
        LocalStackConfig c = LocalStackConfig.parse(List.of("--data-dir", "/var/gds", "--kafka-port", "19092",
                "--interval", "500ms", "--instances-per-type", "3", "--seed", "7", "--incident-probability", "0.5"));
        assertEquals(Path.of("/var/gds"), c.dataDir());
        assertEquals(19092, c.kafkaPort());
        assertEquals(Duration.ofMillis(500), c.interval());
        assertEquals(3, c.instancesPerType());
        assertEquals(7, c.seed());
        assertEquals(0.5, c.incidentProbability());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "--kafka-port, 70000, must be a port",
        "--kafka-port, abc, must be a whole number",
        "--interval, 0s, must be positive",
        "--interval, soon, must be a duration",
        "--incident-probability, 2, must be in [0, 1]",
        "--instances-per-type, 0, must be 1..10000",
        "--colour, blue, unknown option --colour",
    })
    void badFlagsAreNamed(String flag, String value, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LocalStackConfig.parse(List.of(flag, value)));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(flag), e.getMessage());
    }

    @Test
    void aFlagWithoutValueIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LocalStackConfig.parse(List.of("--seed")));
        assertTrue(e.getMessage().contains("--seed needs a value"), e.getMessage());
    }
}
