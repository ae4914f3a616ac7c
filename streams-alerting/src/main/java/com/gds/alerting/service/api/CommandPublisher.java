package com.gds.alerting.service.api;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.avro.specific.SpecificRecord;

import io.micronaut.context.annotation.Bean;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import com.gds.alerting.avro.AlertCommand;
import com.gds.alerting.avro.CommandType;
import com.gds.alerting.avro.serde.GdsAvroSerializer;
import com.gds.alerting.service.query.StateMigratingException;
import com.gds.alerting.service.streams.KafkaClientProperties;

/**
 * Writes operator commands and silences to their topics and waits for the broker's
 * acknowledgement, so that an answer to a write means the write is durable.
 */
@Singleton
@Bean
public class CommandPublisher {

    private final KafkaProducer<String, SpecificRecord> producer;
    private final KafkaClientProperties clients;
    private final Clock clock;

    public CommandPublisher(KafkaClientProperties clients) {
        this.clients = clients;
        this.clock = Clock.systemUTC();
        Map<String, Object> config = new HashMap<>(clients.kafka());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "gds-alerting-commands-" + UUID.randomUUID());
        GdsAvroSerializer<SpecificRecord> values = new GdsAvroSerializer<>();
        values.configure(clients.serde(), false);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), values);
    }

    /** Publishes a command for {@code alertKey} and returns it once the broker has it. */
    public AlertCommand command(String alertKey, CommandType type, CommandRequest request) {
        AlertCommand command = build(alertKey, type, request);
        publish(command);
        return command;
    }

    /** A command for {@code alertKey} with a new command id, not yet written. */
    public AlertCommand build(String alertKey, CommandType type, CommandRequest request) {
        return AlertCommand.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setAlertKey(alertKey)
                .setType(type)
                .setBy(request.by())
                .setComment(request.comment())
                .setIssuedAt(clock.instant())
                .setIncident(request.incident())
                .build();
    }

    /** Writes {@code command} to the commands topic and returns once the broker has it. */
    public void publish(AlertCommand command) {
        send(clients.topics().commands(), command.getAlertKey(), command);
    }

    /** Publishes {@code value} (null = tombstone) on {@code topic} under {@code key}. */
    public void send(String topic, String key, SpecificRecord value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateMigratingException("interrupted while writing to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new StateMigratingException("Kafka did not accept the write to " + topic + ": " + e.getMessage(), e);
        }
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
