package com.gds.alerting.service.settings;

import java.time.Duration;
import java.util.Optional;

import io.micronaut.core.convert.ConversionContext;
import io.micronaut.core.convert.TypeConverter;
import jakarta.inject.Singleton;

import com.gds.alerting.config.Durations;
import com.gds.alerting.config.InvalidDurationException;

/**
 * Makes the service read its duration settings ({@code gds.dispatcher.max-backoff=1h30m},
 * {@code GDS_WATCHDOG_INTERVAL=1w}, …) with the project's one grammar ({@link Durations}), as the
 * collectors, the importer, the rule files and the command lines do. Micronaut's own converter reads
 * {@code 90m} but refuses {@code 1h30m} and {@code 1w}, so a value copied from a rule file or the
 * collectors' configuration stopped the service. A value neither grammar reads is refused with the
 * accepted forms, and Micronaut names the setting.
 */
@Singleton
public final class ProjectDurationConverter implements TypeConverter<CharSequence, Duration> {

    @Override
    public Optional<Duration> convert(CharSequence value, Class<Duration> targetType, ConversionContext context) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Durations.parse(value.toString()));
        } catch (InvalidDurationException e) {
            context.reject(value, e);
            return Optional.empty();
        }
    }
}
