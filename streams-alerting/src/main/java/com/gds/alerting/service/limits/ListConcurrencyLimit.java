package com.gds.alerting.service.limits;

import java.util.concurrent.Semaphore;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;

/**
 * How many alert-list requests ({@code GET /api/v1/alerts}) run at once:
 * {@code gds.api.max-concurrent-lists} (default 8). A list asks every instance for its part and
 * pages through all of it; hundreds at once once exhausted the heap (OutOfMemoryError in the
 * producer thread that sends acks and silences). Beyond the limit a request is answered 503 with
 * {@code Retry-After} at once, costing nothing.
 */
@Context
public class ListConcurrencyLimit {

    private final int limit;
    private final Semaphore permits;

    public ListConcurrencyLimit(@Value("${gds.api.max-concurrent-lists:8}") int limit) {
        if (limit < 1 || limit > 1024) {
            throw new IllegalArgumentException("gds.api.max-concurrent-lists must be 1..1024, got " + limit);
        }
        this.limit = limit;
        this.permits = new Semaphore(limit);
    }

    /** Takes a permit if one is free now; the caller must {@link #release()} it. */
    public boolean tryAcquire() {
        return permits.tryAcquire();
    }

    public void release() {
        permits.release();
    }

    public int limit() {
        return limit;
    }
}
