package com.gds.alerting.service.ops;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.reactivestreams.Publisher;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;

/**
 * Health of the streams.
 *
 * <p>Ready in RUNNING and in REBALANCING. A rebalance happens on every deploy, scale-out and
 * stream-thread replacement, on every instance at once; taking them all out of the load balancer
 * then would turn a routine deploy into an outage. While state moves, the queries it concerns
 * answer 503 with {@code Retry-After} (and the others answer as usual), which is what a client
 * should see. Not ready before the streams start (CREATED) and once they are stopping or dead.
 *
 * <p>Alive unless the streams are dead or dying: ERROR and PENDING_ERROR (every stream thread
 * failed; they do not come back by themselves), PENDING_SHUTDOWN and NOT_RUNNING (stopped while
 * the service still runs). A restart is the cure for those, which is what a failing liveness
 * probe asks for. The notification dispatcher has its own liveness entry.
 */
public final class StreamsHealth {

    private static final Set<State> READY = EnumSet.of(State.RUNNING, State.REBALANCING);
    private static final Set<State> DEAD = EnumSet.of(State.ERROR, State.PENDING_ERROR, State.PENDING_SHUTDOWN,
            State.NOT_RUNNING);

    private StreamsHealth() {
    }

    /** Whether an instance whose streams are in {@code state} should receive requests. */
    public static boolean isReady(State state) {
        return READY.contains(state);
    }

    /** Whether an instance whose streams are in {@code state} is alive (false = restart it). */
    public static boolean isAlive(State state) {
        return !DEAD.contains(state);
    }

    private static HealthResult result(String name, boolean up, State state) {
        return HealthResult.builder(name, up ? HealthStatus.UP : HealthStatus.DOWN)
                .details(Map.of("state", state.name()))
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
            State state = streams.state();
            return Publishers.just(result("kafka-streams", isReady(state), state));
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
            State state = streams.state();
            return Publishers.just(result("kafka-streams-alive", isAlive(state), state));
        }
    }
}
