package com.gds.alerting.collectors.postgres;

/**
 * When a replica's last replayed transaction was committed, remembered across cycles.
 * {@code pg_last_xact_replay_timestamp()} is the answer while the server has it, but PostgreSQL 18
 * was seen to return NULL once the WAL receiver had been stopped, the very moment the lag matters.
 * So the last known commit time is kept for as long as the replay position does not move; failing
 * that, the first time the agent saw this position: the commit was replayed before then, so the
 * lag is at least the time since, a lower bound that keeps growing.
 */
final class ReplayProgress {

    private double position = Double.NaN;
    private double commitEpoch = Double.NaN;
    private double positionSeenEpoch = Double.NaN;

    /**
     * @param replayPosition replay position, bytes
     * @param serverAnswer   commit time of the last replayed transaction as the server says (epoch
     *                       seconds), NaN when it returned NULL
     * @param nowEpoch       the server's now
     * @return the commit time of the last replayed transaction, or the best lower bound of it
     */
    double lastReplayedCommit(double replayPosition, double serverAnswer, double nowEpoch) {
        if (replayPosition != position) {
            position = replayPosition;
            positionSeenEpoch = nowEpoch;
            commitEpoch = Double.NaN;
        }
        if (!Double.isNaN(serverAnswer)) {
            commitEpoch = serverAnswer;
        }
        if (!Double.isNaN(commitEpoch)) {
            return commitEpoch;
        }
        return positionSeenEpoch;
    }
}
