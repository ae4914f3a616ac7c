package com.gds.alerting.rulescli.dlq;

import java.time.Instant;
import java.util.Set;

/**
 * Which dead letters a command looks at; every criterion given must hold.
 *
 * @param since      the dead letter was written at or after this (null: any)
 * @param until      the dead letter was written before this (null: any)
 * @param reasons    its reason code is one of these (empty: any)
 * @param key        its key is exactly this (null: any)
 * @param processor  it was refused by this writer (null: any)
 */
record DeadLetterFilter(Instant since, Instant until, Set<String> reasons, String key, String processor) {

    boolean matches(DeadLetterRecord letter) {
        Instant at = letter.timestamp();
        return (since == null || !at.isBefore(since))
                && (until == null || at.isBefore(until))
                && (reasons.isEmpty() || reasons.contains(letter.reason()))
                && (key == null || key.equals(letter.key()))
                && (processor == null || processor.equals(letter.processor()));
    }
}
