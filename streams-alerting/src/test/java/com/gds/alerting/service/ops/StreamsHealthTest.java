package com.gds.alerting.service.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;

import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Readiness and liveness for every state of the streams (ReadinessDuringRebalanceIT: the same over HTTP, live). */
class StreamsHealthTest {

    @ParameterizedTest(name = "{0}: ready={1} alive={2} ({3})")
    @CsvSource({
            "CREATED,          false, true,  'not started yet: no traffic, but nothing to restart'",
            "REBALANCING,      true,  true,  'every deploy and scale-out: queries on moving state answer 503 + Retry-After'",
            "RUNNING,          true,  true,  'normal'",
            "PENDING_SHUTDOWN, false, false, 'stopping'",
            "NOT_RUNNING,      false, false, 'stopped while the service runs: restart it'",
            "PENDING_ERROR,    false, false, 'every stream thread failed, on the way to ERROR'",
            "ERROR,            false, false, 'dead; does not come back by itself'",
    })
    void readinessAndLivenessFollowTheState(State state, boolean ready, boolean alive, String why) {
        assertEquals(ready, StreamsHealth.isReady(state), why);
        assertEquals(alive, StreamsHealth.isAlive(state), why);
    }

    @Test
    void everyStateIsCoveredAbove() {
        Set<State> listed = EnumSet.of(State.CREATED, State.REBALANCING, State.RUNNING, State.PENDING_SHUTDOWN,
                State.NOT_RUNNING, State.PENDING_ERROR, State.ERROR);
        assertEquals(EnumSet.allOf(State.class), listed, "a new Kafka Streams state needs a decision here");
    }
}
