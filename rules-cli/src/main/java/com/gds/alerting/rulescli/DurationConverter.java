package com.gds.alerting.rulescli;

import java.time.Duration;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import com.gds.alerting.rulescli.yaml.Durations;

/** Command-line durations in the rule files' notation ({@code 30s}, {@code 5m}, {@code 1h30m}). */
public final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        Long ms = Durations.parseMillis(value);
        if (ms == null) {
            throw new TypeConversionException("'" + value + "' is not a duration such as 30s, 5m or 1h30m");
        }
        return Duration.ofMillis(ms);
    }
}
