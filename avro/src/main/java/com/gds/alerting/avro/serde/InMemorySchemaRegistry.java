package com.gds.alerting.avro.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * A schema registry in this JVM, behaving like Confluent's for what the serde uses: global ids
 * from 1, the same id for the same schema under any subject, versions per subject, and BACKWARD
 * compatibility checked against the latest version on register (HTTP 409 otherwise).
 *
 * <p>Selected with {@code schema.registry.url=mem://<scope>}: every serde configured with the same
 * scope in this JVM shares one registry, so a producer and a consumer agree on ids. Tests use a
 * scope of their own and {@link #dropScope(String)} it.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

    /** The URL scheme that selects this registry. */
    public static final String SCHEME = "mem://";

    private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final String scope;
    private final Map<Schema, Integer> ids = new HashMap<>();
    private final List<Schema> schemasById = new ArrayList<>();
    private final Map<String, List<Schema>> subjects = new LinkedHashMap<>();

    private InMemorySchemaRegistry(String scope) {
        this.scope = scope;
    }

    /** The registry of {@code scope}, created on first use. */
    public static InMemorySchemaRegistry forScope(String scope) {
        if (scope == null || scope.isBlank()) {
            throw new IllegalArgumentException("the in-memory registry needs a scope: mem://<scope>");
        }
        return SCOPES.computeIfAbsent(scope, InMemorySchemaRegistry::new);
    }

    /** Forgets a scope and everything registered in it. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Schema> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (versions.contains(schema)) {
            return ids.get(schema);
        }
        if (!versions.isEmpty()) {
            Schema latest = versions.get(versions.size() - 1);
            SchemaCompatibility.SchemaPairCompatibility result =
                    SchemaCompatibility.checkReaderWriterCompatibility(schema, latest);
            if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
                throw new SchemaRegistryException(location(), 409, SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                        "Schema being registered is incompatible with an earlier schema for subject \""
                                + subject + "\" (BACKWARD): " + result.getDescription());
            }
        }
        versions.add(schema);
        return ids.computeIfAbsent(schema, s -> {
            schemasById.add(s);
            return schemasById.size();
        });
    }

    @Override
    public synchronized int idOf(String subject, Schema schema) {
        List<Schema> versions = subjects.get(subject);
        if (versions == null) {
            throw subjectNotFound(subject);
        }
        if (!versions.contains(schema)) {
            throw new SchemaRegistryException(location(), 404, SchemaRegistryException.SCHEMA_NOT_FOUND,
                    "Schema not found under subject '" + subject + "'");
        }
        return ids.get(schema);
    }

    @Override
    public synchronized Schema schemaById(int id) {
        if (id < 1 || id > schemasById.size()) {
            throw new SchemaRegistryException(location(), 404, SchemaRegistryException.SCHEMA_NOT_FOUND,
                    "Schema " + id + " not found");
        }
        return schemasById.get(id - 1);
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Schema> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw subjectNotFound(subject);
        }
        Schema schema = versions.get(versions.size() - 1);
        return new RegisteredSchema(subject, versions.size(), ids.get(schema), schema);
    }

    /** Every subject, in registration order. */
    public synchronized List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }

    /** Every version of {@code subject}, oldest first; 404 if the subject is unknown. */
    public synchronized List<RegisteredSchema> versions(String subject) {
        List<Schema> versions = subjects.get(subject);
        if (versions == null) {
            throw subjectNotFound(subject);
        }
        List<RegisteredSchema> all = new ArrayList<>();
        for (int i = 0; i < versions.size(); i++) {
            all.add(new RegisteredSchema(subject, i + 1, ids.get(versions.get(i)), versions.get(i)));
        }
        return all;
    }

    @Override
    public String location() {
        return SCHEME + scope;
    }

    private SchemaRegistryException subjectNotFound(String subject) {
        return new SchemaRegistryException(location(), 404, SchemaRegistryException.SUBJECT_NOT_FOUND,
                "Subject '" + subject + "' not found.");
    }
}
