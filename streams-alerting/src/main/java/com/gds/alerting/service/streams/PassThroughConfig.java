package com.gds.alerting.service.streams;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.micronaut.core.naming.conventions.StringConvention;
import io.micronaut.core.value.PropertyResolver;

/**
 * Reads a pass-through map such as {@code kafka.*} (every key handed to the Kafka clients as it
 * is) from the Micronaut environment, from every source and with Micronaut's precedence: command
 * line, then {@code -D} system properties, then environment variables, then {@code application.yml}.
 *
 * <p>Why not {@code getProperties(prefix, RAW)} alone: Micronaut keeps environment variables out
 * of the raw view (their names are ambiguous, {@code KAFKA_BOOTSTRAP_SERVERS} could be
 * {@code kafka.bootstrap.servers} or {@code kafka.bootstrap-servers}), so a map read that way
 * silently ignores {@code KAFKA_BOOTSTRAP_SERVERS} and keeps the default. The keys passed through
 * here (Kafka's and Confluent's client settings) are dotted lower-case names, so an environment
 * variable {@code <PREFIX>_A_B_C} means key {@code a.b.c}; each key's value is then resolved by
 * name, which applies the precedence above.
 */
final class PassThroughConfig {

    private PassThroughConfig() {
    }

    /** {@code prefix.*} as a map of the keys under it (without the prefix) to their values. */
    static Map<String, String> read(PropertyResolver environment, String prefix) {
        Set<String> keys = new TreeSet<>(environment.getProperties(prefix, StringConvention.RAW).keySet());
        for (String name : environment.getProperties(prefix, StringConvention.UNDER_SCORE_SEPARATED).keySet()) {
            keys.add(name.toLowerCase(Locale.ROOT).replace('_', '.'));
        }
        Map<String, String> values = new TreeMap<>();
        for (String key : keys) {
            environment.getProperty(prefix + "." + key, String.class).ifPresent(value -> values.put(key, value));
        }
        return Collections.unmodifiableMap(values);
    }
}
