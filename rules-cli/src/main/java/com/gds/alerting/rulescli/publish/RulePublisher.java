package com.gds.alerting.rulescli.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.serde.AvroSerdes;

/** Writes a {@link RuleDiff} to the rules topic: the added and changed rules, and a tombstone per removed id. */
public final class RulePublisher {

    private RulePublisher() {
    }

    /** Sends the diff and waits until every record is acknowledged by all in-sync replicas. */
    public static void publish(String bootstrap, String topic, Map<String, Object> serdeConfig, RuleDiff diff, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        // The producer requires delivery.timeout >= linger.ms + request.timeout.ms.
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis() / 2, 30_000));
        try (KafkaProducer<String, Rule> producer = new KafkaProducer<>(props, new StringSerializer(),
                AvroSerdes.valueSerde(Rule.class, serdeConfig).serializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            diff.added().forEach(r -> sent.add(producer.send(new ProducerRecord<>(topic, r.getRuleId(), r))));
            diff.changed().forEach(c -> sent.add(producer.send(new ProducerRecord<>(topic, c.rule().getRuleId(), c.rule()))));
            diff.removed().forEach(id -> sent.add(producer.send(new ProducerRecord<>(topic, id, null))));
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }
}
