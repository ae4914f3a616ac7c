package com.gds.alerting.service.dispatch;

import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last stage of the pipeline (Alertmanager's set-notifies stage): what a finished delivery
 * means for the records it stands for. Delivered → done; refused or given up → dead-lettered with
 * the reason, then done; abandoned (its partition left) → nothing, the new owner delivers it.
 * Called on the lane threads.
 */
final class OutcomeStage {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeStage.class);

    private final String notifierName;
    private final DeadLetters deadLetters;
    private final Consumer<Source> done;

    /**
     * @param notifierName for the dead letter's sentence
     * @param done         told of each record that is done (thread-safe)
     */
    OutcomeStage(String notifierName, DeadLetters deadLetters, Consumer<Source> done) {
        this.notifierName = notifierName;
        this.deadLetters = deadLetters;
        this.done = done;
    }

    void finished(DeliveryLanes.Finished finished) {
        Delivery d = finished.delivery();
        switch (finished.end()) {
            case DELIVERED -> d.sources().forEach(done);
            case REJECTED, EXHAUSTED -> {
                NotifyResult last = finished.last();
                boolean rejected = finished.end() == DeliveryLanes.End.REJECTED;
                String error = rejected
                        ? notifierName + " refused message_id " + d.payload().messageId() + " with HTTP " + last.status()
                        : "gave up on message_id " + d.payload().messageId() + " after " + d.failures()
                                + " failed attempts; last: " + last.cause();
                if (d.fallbackSentAt() != null) {
                    error += " (sent by the e-mail fallback at " + d.fallbackSentAt() + ")";
                }
                LOG.warn("{}{}", error, last.body().isEmpty() ? "" : ": " + last.body());
                for (Source source : d.sources()) {
                    deadLetters.send(source.record(), rejected ? DeadLetters.REJECTED : DeadLetters.EXHAUSTED, error,
                            d.payload().messageId(), last, () -> done.accept(source));
                }
            }
            case ABANDONED -> LOG.debug("message_id {} left to the partition's new owner", d.payload().messageId());
        }
    }
}
