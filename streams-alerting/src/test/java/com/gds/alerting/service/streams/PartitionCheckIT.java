package com.gds.alerting.service.streams;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

class PartitionCheckIT {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.startTemporary();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("gds.metrics.postgresql.prod", 6, (short) 1),
                    new NewTopic("gds.metrics.mssql.prod", 6, (short) 1),
                    new NewTopic("gds.alerts.commands", 3, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void aCommandsTopicWithOtherPartitionsThanTheMetricsStopsTheStartWithTheReason() {
        Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PartitionCheck.verify(kafka, GdsTopics.defaults(), null));
        assertTrue(e.getMessage().contains("gds.metrics.mssql.prod=6") && e.getMessage().contains("command-partitions"),
                e.getMessage());
        assertDoesNotThrow(() -> PartitionCheck.verify(kafka, GdsTopics.defaults(), 6),
                "pinning the repartition to the metrics' count is the way out");
    }
}
