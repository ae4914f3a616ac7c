package com.gds.alerting.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waits until an HTTP endpoint answers 200 with the expected body, so that "ready" is printed only
 * when what a user tries first works.
 */
final class ServiceReadiness {

    private static final Duration POLL_PAUSE = Duration.ofMillis(200);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    private final Duration timeout;

    ServiceReadiness(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Polls {@code url} until it answers 200 with a body {@code expected} accepts.
     *
     * @throws IllegalStateException naming {@code what}, the URL and its last answer, after the timeout
     */
    void await(String what, String url, Predicate<String> expected) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).build();
        String last = "no answer yet";
        while (true) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && expected.test(response.body())) {
                    return;
                }
                last = "HTTP " + response.statusCode() + ": " + abbreviate(response.body());
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not answer within " + timeout + " at " + url + "; last: " + last);
            }
            try {
                Thread.sleep(POLL_PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }

    private static String abbreviate(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "...";
    }
}
