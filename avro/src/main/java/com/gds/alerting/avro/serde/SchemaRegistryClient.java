package com.gds.alerting.avro.serde;

import java.io.Closeable;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API the serde needs. Implementations: {@link
 * HttpSchemaRegistryClient} (the REST API), {@link InMemorySchemaRegistry} ({@code mem://scope},
 * for the local stack and tests) and {@link CachingSchemaRegistryClient} in front of either.
 *
 * <p>Every method throws {@link SchemaRegistryException} when the registry refuses or cannot be
 * reached; its status and error code tell which.
 */
public interface SchemaRegistryClient extends Closeable {

    /** Registers {@code schema} under {@code subject} (or finds it there); returns its global id. */
    int register(String subject, Schema schema);

    /** The id of {@code schema} already registered under {@code subject}; 404 if it is not. */
    int idOf(String subject, Schema schema);

    /** The schema with this global id; 404 (error code 40403) if there is none. */
    Schema schemaById(int id);

    /** The latest version registered under {@code subject}; 404 (40401) if the subject is unknown. */
    RegisteredSchema latest(String subject);

    /** Where this client points, for error messages (never contains credentials). */
    String location();

    @Override
    default void close() {
    }

    /** A schema as registered: subject, version within the subject, global id. */
    record RegisteredSchema(String subject, int version, int id, Schema schema) {
    }
}
