package com.gds.alerting.service.limits;

import java.util.concurrent.atomic.AtomicBoolean;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;

import com.gds.alerting.service.problem.Problems;
import com.gds.alerting.service.streams.AlertingSettings;

/**
 * Applies {@link ListConcurrencyLimit} to {@code GET /api/v1/alerts}: a request that finds no free
 * permit is answered 503 with {@code Retry-After}; the permit of one that runs is released when its
 * response completes, fails or is cancelled (a client that hangs up), exactly once.
 */
@Filter("/api/v1/alerts")
public class ListConcurrencyFilter implements HttpServerFilter {

    private final ListConcurrencyLimit limit;
    private final AlertingSettings settings;
    private final Problems problems;

    public ListConcurrencyFilter(ListConcurrencyLimit limit, AlertingSettings settings, Problems problems) {
        this.limit = limit;
        this.settings = settings;
        this.problems = problems;
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        if (request.getMethod() != HttpMethod.GET) {
            return chain.proceed(request);
        }
        if (!limit.tryAcquire()) {
            return Publishers.just(problems.response(request, HttpStatus.SERVICE_UNAVAILABLE, limit.limit()
                            + " alert lists are being answered already (gds.api.max-concurrent-lists); retry shortly")
                    .header("Retry-After", Long.toString(Math.max(1, settings.getRetryAfter().toSeconds()))));
        }
        Publisher<MutableHttpResponse<?>> response;
        try {
            response = chain.proceed(request);
        } catch (RuntimeException | Error e) {
            limit.release();
            throw e;
        }
        return new Releasing<>(response, limit);
    }

    /** Passes a publisher through and releases the permit once, on completion, error or cancel. */
    private static final class Releasing<T> implements Publisher<T> {
        private final Publisher<T> source;
        private final ListConcurrencyLimit limit;
        private final AtomicBoolean released = new AtomicBoolean();

        Releasing(Publisher<T> source, ListConcurrencyLimit limit) {
            this.source = source;
            this.limit = limit;
        }

        private void release() {
            if (released.compareAndSet(false, true)) {
                limit.release();
            }
        }

        @Override
        public void subscribe(Subscriber<? super T> downstream) {
            source.subscribe(new Subscriber<T>() {
                @Override
                public void onSubscribe(Subscription s) {
                    downstream.onSubscribe(new Subscription() {
                        @Override
                        public void request(long n) {
                            s.request(n);
                        }

                        @Override
                        public void cancel() {
                            release();
                            s.cancel();
                        }
                    });
                }

                @Override
                public void onNext(T t) {
                    downstream.onNext(t);
                }

                @Override
                public void onError(Throwable t) {
                    release();
                    downstream.onError(t);
                }

                @Override
                public void onComplete() {
                    release();
                    downstream.onComplete();
                }
            });
        }
    }
}
