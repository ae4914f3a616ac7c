package com.gds.alerting.service.settings;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.ConfigurationReader;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.type.Argument;
import io.micronaut.inject.BeanDefinition;
import io.micronaut.inject.qualifiers.Qualifiers;

import com.gds.alerting.config.DidYouMean;

/**
 * Refuses to start with a setting the service does not read. Micronaut binds the keys it knows
 * and ignores the rest, so {@code gds.alerting.stream-thread: 4} (or {@code
 * GDS_DISPATCHER_MAX_ATEMPTS=10}) would run with the default and say nothing: here the start
 * stops, naming each such key, where it was set, and the setting it most likely meant.
 *
 * <p>Audited: every {@code gds.*} key of the configuration files and system properties, and every
 * environment variable of a section the service owns ({@code GDS_ALERTING_…}, {@code
 * GDS_DISPATCHER_…}, …; other {@code GDS_…} variables may belong to other tools). The known keys
 * are the properties of the {@code @ConfigurationProperties} classes under {@code gds.} and the
 * {@code @Value("${gds.…}")} constructor arguments of the service's beans (found, not listed, so a
 * new setting is known as soon as it exists). Not audited:
 * {@code gds.serde.*} (registry client settings, passed through) and {@code gds.topics.*} (checked
 * against the topic names, with a WARN, by the topic configuration).
 */
@Context
public class SettingsAudit {

    /** {@code ${gds.api.max-concurrent-lists:8}}: the key of a placeholder. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{\\s*(gds\\.[^:}\\s]+)");
    /** Sections passed through or checked elsewhere. */
    private static final Set<String> NOT_AUDITED = Set.of("gds.serde", "gds.topics");

    /** One setting the service does not read. */
    record Unknown(String key, String source, String suggestion) {

        @Override
        public String toString() {
            return key + " (" + source + ")" + (suggestion == null ? "" : ": did you mean " + suggestion + "?");
        }
    }

    public SettingsAudit(Environment environment, BeanContext beans) {
        List<Unknown> unknown = audit(environment.getPropertySources(), knownKeys(beans));
        if (!unknown.isEmpty()) {
            throw new ConfigurationException("settings the service does not read (a typo, or a setting that no longer"
                    + " exists; the service would run on the default and say nothing): " + unknown);
        }
    }

    /** Every known key in kebab case, with {@code *} for the name of an {@code @EachProperty} entry. */
    static Set<String> knownKeys(BeanContext beans) {
        Set<String> keys = new TreeSet<>();
        // Settings read one by one: @Value("${gds.…}") on a constructor argument of the service's beans.
        for (BeanDefinition<?> d : beans.getAllBeanDefinitions()) {
            if (!d.getBeanType().getName().startsWith("com.gds.alerting.")) {
                continue;
            }
            for (Argument<?> a : d.getConstructor().getArguments()) {
                a.getAnnotationMetadata().stringValue(Value.class).ifPresent(v -> {
                    Matcher m = PLACEHOLDER.matcher(v);
                    while (m.find()) {
                        keys.add(normalise(m.group(1)));
                    }
                });
            }
        }
        Collection<BeanDefinition<?>> readers = beans.getBeanDefinitions(Qualifiers.byStereotype(ConfigurationReader.class));
        for (BeanDefinition<?> d : readers) {
            String prefix = d.stringValue(ConfigurationReader.class, ConfigurationReader.PREFIX).orElse(null);
            if (prefix == null || !prefix.startsWith("gds.")) {
                continue;
            }
            if (d.hasDeclaredAnnotation(EachProperty.class) && !prefix.endsWith(".*")) {
                prefix = prefix + ".*";
            }
            for (String property : properties(d.getBeanType())) {
                keys.add(prefix + "." + property);
            }
        }
        return keys;
    }

    /** The bean's settable properties, in kebab case (Micronaut binds a setter {@code setMaxAttempts} to {@code max-attempts}). */
    private static Set<String> properties(Class<?> type) {
        Set<String> out = new TreeSet<>();
        for (Method m : type.getMethods()) {
            if (m.getName().length() > 3 && m.getName().startsWith("set") && m.getParameterCount() == 1) {
                String name = kebab(m.getName().substring(3));
                // A map's entries are keys below the property: any of them is read.
                out.add(Map.class.isAssignableFrom(m.getParameterTypes()[0]) ? name + ".**" : name);
            }
        }
        return out;
    }

    static List<Unknown> audit(Iterable<PropertySource> sources, Set<String> known) {
        Map<String, Unknown> found = new TreeMap<>();
        Set<String> envNames = new TreeSet<>();
        Set<String> envSections = new TreeSet<>();
        for (String k : known) {
            envNames.add(envName(k));
            String[] parts = k.split("\\.");
            envSections.add(envName(parts[0] + "." + parts[1]) + "_");
        }
        for (PropertySource source : sources) {
            boolean env = source.getConvention() == PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE;
            for (String raw : source) {
                if (env) {
                    if (envSections.stream().anyMatch(raw::startsWith) && !matchesEnv(raw, envNames)) {
                        found.putIfAbsent(raw, new Unknown(raw, "environment variable",
                                DidYouMean.closest(raw, envNames)));
                    }
                    continue;
                }
                String key = normalise(raw);
                if (!key.startsWith("gds.") || NOT_AUDITED.stream().anyMatch(p -> key.equals(p) || key.startsWith(p + "."))) {
                    continue;
                }
                if (!isKnown(key, known)) {
                    found.putIfAbsent(key, new Unknown(raw, source.getName(), DidYouMean.closest(key, known)));
                }
            }
        }
        return new ArrayList<>(found.values());
    }

    private static boolean isKnown(String key, Set<String> known) {
        if (known.contains(key)) {
            return true;
        }
        for (String k : known) {
            if (k.endsWith(".**") && (key + ".").startsWith(k.substring(0, k.length() - 2))) {
                return true;
            }
            int star = k.indexOf(".*.");
            if (star > 0 && key.startsWith(k.substring(0, star + 1))) {
                String rest = key.substring(star + 1);
                int dot = rest.indexOf('.');
                if (dot > 0 && rest.substring(dot + 1).equals(k.substring(star + 3))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** An environment variable matches a known key, {@code *} standing for any name without {@code _}. */
    private static boolean matchesEnv(String name, Set<String> envNames) {
        if (envNames.contains(name)) {
            return true;
        }
        for (String e : envNames) {
            if (e.endsWith("_**") && name.startsWith(e.substring(0, e.length() - 2))) {
                return true;
            }
            int star = e.indexOf("_*_");
            if (star > 0 && name.startsWith(e.substring(0, star + 1)) && name.endsWith(e.substring(star + 2))
                    && name.length() > e.length() - 1) {
                String middle = name.substring(star + 1, name.length() - e.substring(star + 2).length());
                if (!middle.isEmpty() && !middle.contains("_")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Lower case, camel case turned into kebab case per segment: Micronaut binds both spellings alike. */
    static String normalise(String key) {
        StringBuilder b = new StringBuilder();
        // rights[0]: one element of a list setting is the setting.
        for (String segment : key.replaceAll("\\[\\d+]", "").split("\\.", -1)) {
            if (b.length() > 0) {
                b.append('.');
            }
            b.append(kebab(segment));
        }
        return b.toString();
    }

    private static String kebab(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0 && s.charAt(i - 1) != '-') {
                    b.append('-');
                }
                b.append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
