package com.gds.alerting.avro.serde;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12.1+ refuses to instantiate generated classes outside trusted packages unless the JVM
 * runs with {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES=...}. The serde trusts the package of
 * every record class it is built for, here, so no user has to know about the flag.
 *
 * <p>Generated builders need it too: {@code Rule.newBuilder().build()} materialises the defaults
 * of record-typed fields through the same check. Code that builds records before it has created
 * any serde calls {@link #install()} first (the alerting topology, the test helpers, the CLI).
 */
public final class AvroClassTrust {

    private static final Set<String> TRUSTED_PACKAGES = ConcurrentHashMap.newKeySet();

    static {
        TRUSTED_PACKAGES.add("com.gds.alerting.avro");
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous, AvroClassTrust::trusted));
    }

    private AvroClassTrust() {
    }

    /** Trusts the product's record packages from now on (idempotent). */
    public static void install() {
        TRUSTED_PACKAGES.add("com.gds.alerting.avro.internal");
    }

    /** Trusts {@code type}'s package (and so its nested records and enums). */
    public static void trust(Class<?> type) {
        TRUSTED_PACKAGES.add(type.getPackageName());
    }

    private static boolean trusted(Class<?> type) {
        return TRUSTED_PACKAGES.contains(type.getPackageName());
    }
}
