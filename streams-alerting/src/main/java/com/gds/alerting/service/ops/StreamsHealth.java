package com.gds.alerting.service.ops;

import java.util.Map;

import org.apache.kafka.streams.KafkaStreams;
import org.reactivestreams.Publisher;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;

/**
 * Health of the streams: ready only when RUNNING (every task's state restored); alive unless the
 * streams died (ERROR, or stopped while the service still runs).
 */
public final class StreamsHealth {

    private StreamsHealth() {
    }

    private static HealthResult result(String name, boolean up, KafkaStreams streams) {
        return HealthResult.builder(name, up ? HealthStatus.UP : HealthStatus.DOWN)
                .details(Map.of("state", streams.state().name()))
                .build();
    }

    /** {@code /health/readiness}. */
    @Singleton
    @Readiness
    public static class Ready implements HealthIndicator {
        private final KafkaStreams streams;

        public Ready(KafkaStreams streams) {
            this.streams = streams;
        }

        @Override
        public Publisher<HealthResult> getResult() {
            return Publishers.just(result("kafka-streams", streams.state() == KafkaStreams.State.RUNNING, streams));
        }
    }

    /** {@code /health/liveness}. */
    @Singleton
    @Liveness
    public static class Alive implements HealthIndicator {
        private final KafkaStreams streams;

        public Alive(KafkaStreams streams) {
            this.streams = streams;
        }

        @Override
        public Publisher<HealthResult> getResult() {
            KafkaStreams.State state = streams.state();
            return Publishers.just(result("kafka-streams-alive", state != KafkaStreams.State.ERROR, streams));
        }
    }
}
