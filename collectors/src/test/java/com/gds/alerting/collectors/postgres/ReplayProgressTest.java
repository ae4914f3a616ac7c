package com.gds.alerting.collectors.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReplayProgressTest {

    @Test
    void theServersAnswerWinsWhileItHasOne() {
        ReplayProgress p = new ReplayProgress();
        assertEquals(1_000, p.lastReplayedCommit(500, 1_000, 1_010), 0);
    }

    @Test
    void aNullAnswerKeepsTheLastKnownCommitWhileThePositionStands() {
        ReplayProgress p = new ReplayProgress();
        p.lastReplayedCommit(500, 1_000, 1_010);
        assertEquals(1_000, p.lastReplayedCommit(500, Double.NaN, 1_100), 0, "same position: nothing replayed since");
    }

    @Test
    void withoutAnyAnswerTheFirstSightingOfThePositionIsTheBound() {
        ReplayProgress p = new ReplayProgress();
        assertEquals(2_000, p.lastReplayedCommit(700, Double.NaN, 2_000), 0);
        assertEquals(2_000, p.lastReplayedCommit(700, Double.NaN, 2_060), 0, "lag grows: 60 s at the second cycle");
        assertEquals(2_120, p.lastReplayedCommit(900, Double.NaN, 2_120), 0, "the position moved: measured anew");
    }
}
