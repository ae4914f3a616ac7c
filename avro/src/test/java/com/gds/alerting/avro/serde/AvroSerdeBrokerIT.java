package com.gds.alerting.avro.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/** Every record type through a real (in-process KRaft) broker and the serde, both ways. */
class AvroSerdeBrokerIT {

    private static EmbeddedKafkaBroker broker;
    private static final String SCOPE = "broker-it-" + UUID.randomUUID();
    private static final Map<String, Object> SERDE_CONFIG = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mem://" + SCOPE);

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.startTemporary();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void everyRecordTypeTravelsThroughTheBrokerInConfluentWireFormat() throws Exception {
        Map<String, SpecificRecord> samples = SampleRecords.all();
        List<String> topics = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String name : samples.keySet()) {
                String topic = "it." + name.replaceAll("[^A-Za-z]", "").toLowerCase();
                topics.add(topic);
                newTopics.add(new NewTopic(topic, 1, (short) 1));
            }
            admin.createTopics(newTopics).all().get();
        }
        int i = 0;
        for (SpecificRecord record : samples.values()) {
            roundTrip(topics.get(i++), record);
        }
    }

    @Test
    void aTombstoneTravelsAsANullValue() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("it.tombstone", 1, (short) 1))).all().get();
        }
        try (Serde<com.gds.alerting.avro.Rule> serde = AvroSerdes.valueSerde(com.gds.alerting.avro.Rule.class, SERDE_CONFIG);
             KafkaProducer<String, com.gds.alerting.avro.Rule> producer = new KafkaProducer<>(producerConfig(),
                     new StringSerializer(), serde.serializer());
             KafkaConsumer<String, com.gds.alerting.avro.Rule> consumer = new KafkaConsumer<>(consumerConfig(),
                     new StringDeserializer(), serde.deserializer())) {
            producer.send(new ProducerRecord<>("it.tombstone", "rule-1", null)).get();
            consumer.subscribe(List.of("it.tombstone"));
            ConsumerRecord<String, com.gds.alerting.avro.Rule> got = pollOne(consumer);
            assertEquals("rule-1", got.key());
            assertNull(got.value());
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> void roundTrip(String topic, T record) throws Exception {
        Class<T> type = (Class<T>) record.getClass();
        try (Serde<T> serde = AvroSerdes.valueSerde(type, SERDE_CONFIG);
             KafkaProducer<String, T> producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), serde.serializer());
             KafkaConsumer<String, T> typed = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), serde.deserializer());
             KafkaConsumer<String, byte[]> raw = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(),
                     new ByteArrayDeserializer())) {
            producer.send(new ProducerRecord<>(topic, "key-1", record)).get();

            typed.subscribe(List.of(topic));
            ConsumerRecord<String, T> decoded = pollOne(typed);
            assertEquals("key-1", decoded.key());
            assertEquals(record, decoded.value(), topic);

            raw.subscribe(List.of(topic));
            byte[] bytes = pollOne(raw).value();
            assertEquals(0, bytes[0], "magic byte");
            int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
            assertEquals(InMemorySchemaRegistry.forScope(SCOPE).idOf(topic + "-value", record.getSchema()), id,
                    "schema id of subject " + topic + "-value");
        }
    }

    private static <V> ConsumerRecord<String, V> pollOne(KafkaConsumer<String, V> consumer) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                return r;
            }
        }
        throw new AssertionError("no record within 30 s");
    }

    private static Map<String, Object> producerConfig() {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
    }

    private static Map<String, Object> consumerConfig() {
        return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    }
}
