package com.gds.alerting.topologies.intake;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

import com.gds.alerting.avro.serde.InvalidAvroPayloadException;
import com.gds.alerting.avro.serde.SchemaRegistryException;

/**
 * Decodes a value in an intake processor, turning every failure of the payload into a {@link
 * Refusal}: whatever a decoder throws for a record's bytes is that record's fault, never a reason
 * to stop the stream thread. Only a schema registry that cannot be reached propagates: that is an
 * outage, and dead-lettering good records for it would lose them.
 */
final class Decoding {

    private Decoding() {
    }

    static <T> T decode(Deserializer<T> deserializer, String topic, Headers headers, byte[] bytes, String what) {
        try {
            T value = deserializer.deserialize(topic, headers, bytes);
            if (value == null) {
                throw new Refusal("NULL_VALUE", what + " decoded to nothing");
            }
            return value;
        } catch (InvalidAvroPayloadException e) {
            throw new Refusal(e.reason().name(), "cannot decode " + what + ": " + e.getMessage());
        } catch (SchemaRegistryException e) {
            throw e;
        } catch (SerializationException e) {
            throw new Refusal("UNDECODABLE", "cannot decode " + what + ": " + e.getMessage());
        } catch (Refusal e) {
            throw e;
        } catch (RuntimeException e) {
            throw new Refusal("UNDECODABLE", "cannot decode " + what + ": " + e);
        }
    }

    /** Why an intake processor refused a record: a reason code and a sentence. */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String reason;

        Refusal(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }
}
