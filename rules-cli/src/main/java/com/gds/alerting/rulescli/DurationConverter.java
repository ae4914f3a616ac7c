package com.gds.alerting.rulescli;

import java.time.Duration;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import com.gds.alerting.config.Durations;
import com.gds.alerting.config.InvalidDurationException;

/** Command-line durations in the project's one grammar ({@link Durations}: {@code 30s}, {@code 1h30m}, {@code PT10S}). */
public final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (InvalidDurationException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
