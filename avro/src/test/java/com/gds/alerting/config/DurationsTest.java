package com.gds.alerting.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("500ms", Duration.ofMillis(500), "milliseconds"),
                Arguments.of("30s", Duration.ofSeconds(30), "seconds"),
                Arguments.of("5m", Duration.ofMinutes(5), "minutes, not milliseconds"),
                Arguments.of("1h", Duration.ofHours(1), "hours (failed in bin/local-stack once)"),
                Arguments.of("1h30m", Duration.ofMinutes(90), "combined units (failed in collectors.yaml once)"),
                Arguments.of("2d", Duration.ofDays(2), "days"),
                Arguments.of("1w", Duration.ofDays(7), "weeks, as rule files write them"),
                Arguments.of("1w2d3h4m5s6ms", Duration.ofMillis(((((9L * 24 + 3) * 60 + 4) * 60) + 5) * 1000 + 6),
                        "every unit at once"),
                Arguments.of("1m30s", Duration.ofSeconds(90), "minutes then seconds"),
                Arguments.of("90s", Duration.ofSeconds(90), "a count past the next unit is fine"),
                Arguments.of("0", Duration.ZERO, "zero needs no unit"),
                Arguments.of("0s", Duration.ZERO, "zero with a unit"),
                Arguments.of("  30s\n", Duration.ofSeconds(30), "surrounding blanks are ignored"),
                Arguments.of("PT10S", Duration.ofSeconds(10), "ISO-8601 seconds"),
                Arguments.of("PT1H30M", Duration.ofMinutes(90), "ISO-8601 combined"),
                Arguments.of("P2D", Duration.ofDays(2), "ISO-8601 days"),
                Arguments.of("PT0.5S", Duration.ofMillis(500), "ISO-8601 fractions"),
                Arguments.of("pt10s", Duration.ofSeconds(10), "ISO-8601 is case-insensitive, as java.time reads it"),
                Arguments.of("9223372036854775807ms", Duration.ofMillis(Long.MAX_VALUE), "the longest there is"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("accepted")
    void readsEveryAcceptedForm(String text, Duration expected, String reason) {
        assertEquals(expected, Durations.parse(text));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("", "is not a duration", "empty"),
                Arguments.of("   ", "is not a duration", "blank"),
                Arguments.of("30", "has no unit; write e.g. 30s or 30ms", "a bare number is ambiguous"),
                Arguments.of("1h30", "is not a duration", "a trailing number without unit"),
                Arguments.of("30m1h", "is not a duration", "units out of order"),
                Arguments.of("1h1h", "is not a duration", "a unit twice"),
                Arguments.of("9223372036854775807ms9223372036854775807ms2ms", "is not a duration",
                        "repeated units that once wrapped to 2 ms"),
                Arguments.of("1.5s", "is not a duration", "fractions only in ISO-8601"),
                Arguments.of("1 h", "is not a duration", "blank inside"),
                Arguments.of("1H", "is not a duration", "units are lower case"),
                Arguments.of("5min", "is not a duration", "unknown unit"),
                Arguments.of("-5s", "is negative", "negative in units"),
                Arguments.of("-PT5S", "is negative", "negative in ISO-8601"),
                Arguments.of("PT-5S", "is negative", "negative inside ISO-8601"),
                Arguments.of("PT", "is not a duration", "ISO-8601 without a figure"),
                Arguments.of("P1Y", "is not a duration", "years are not durations"),
                Arguments.of("PT0.0001S", "is finer than a millisecond", "would truncate to zero milliseconds"),
                Arguments.of("9223372036854775808ms", "is too long a duration", "beyond a long of milliseconds"),
                Arguments.of("106751991168d", "is too long a duration", "days that overflow milliseconds"),
                Arguments.of("99999999999999999999999s", "is too long a duration", "more digits than a long"),
                Arguments.of("PT9999999999999999S", "is too long a duration", "ISO-8601 beyond a long of milliseconds"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("refused")
    void refusesWithAMessageNamingTheValueAndWhatIsAccepted(String text, String problem, String reason) {
        InvalidDurationException e = assertThrows(InvalidDurationException.class, () -> Durations.parse(text));
        assertEquals(text, e.value());
        assertTrue(e.getMessage().startsWith("'" + text + "' " + problem), e.getMessage());
        if (!problem.startsWith("is too long")) {
            assertTrue(e.getMessage().contains(Durations.ACCEPTED_FORMS), e.getMessage());
        }
    }

    @Test
    void refusesNullNamingIt() {
        InvalidDurationException e = assertThrows(InvalidDurationException.class, () -> Durations.parse(null));
        assertTrue(e.getMessage().startsWith("'null' is not a duration"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0s", "0ms", "PT0S"})
    void positiveRefusesZero(String text) {
        InvalidDurationException e = assertThrows(InvalidDurationException.class, () -> Durations.parsePositive(text));
        assertEquals("'" + text + "' must be longer than zero", e.getMessage());
    }

    @Test
    void positiveAcceptsAnythingLongerThanZero() {
        assertEquals(Duration.ofMillis(1), Durations.parsePositive("1ms"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "1ms", "30s", "5m", "1h30m", "2d", "6d23h", "1d2h3m4s5ms", "14d"})
    void formatWritesWhatParseReads(String text) {
        assertEquals(text, Durations.format(Durations.parse(text)));
    }

    @Test
    void formatSpellsWeeksAsDays() {
        assertEquals("7d", Durations.format(Durations.parse("1w")));
    }
}
