package com.gds.alerting.service.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import com.gds.alerting.service.query.BadRequestException;
import com.gds.alerting.service.query.NotFoundException;
import com.gds.alerting.service.query.PeerFailedException;
import com.gds.alerting.service.query.StateMigratingException;
import com.gds.alerting.service.streams.AlertingSettings;

/**
 * Maps a bad parameter to 400, "not found" to 404, "state is moving" (or the instance that holds
 * it does not answer) to 503 with {@code Retry-After}: never a 500 for a rebalance; and a permanent
 * error of the instance that holds the answer to 502 naming it and its status, so that clients do
 * not retry what retrying will not cure.
 */
@Controller
public class ErrorsController {

    /** The body of an error answer. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record ErrorBody(int status, String error, String message) {
    }

    /** The body of a 502: which instance failed, and the status it answered (0 = an unreadable answer). */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record PeerErrorBody(int status, String error, String message, String peer, int peerStatus) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ErrorsController.class);

    private final AlertingSettings settings;

    public ErrorsController(AlertingSettings settings) {
        this.settings = settings;
    }

    @Error(global = true, exception = NotFoundException.class)
    public HttpResponse<ErrorBody> notFound(HttpRequest<?> request, NotFoundException e) {
        return HttpResponse.<ErrorBody>status(HttpStatus.NOT_FOUND).body(new ErrorBody(404, "Not Found", e.getMessage()));
    }

    @Error(global = true, exception = BadRequestException.class)
    public HttpResponse<ErrorBody> badRequest(HttpRequest<?> request, BadRequestException e) {
        return HttpResponse.<ErrorBody>status(HttpStatus.BAD_REQUEST).body(new ErrorBody(400, "Bad Request", e.getMessage()));
    }

    @Error(global = true, exception = StateMigratingException.class)
    public HttpResponse<ErrorBody> migrating(HttpRequest<?> request, StateMigratingException e) {
        return HttpResponse.<ErrorBody>status(HttpStatus.SERVICE_UNAVAILABLE)
                .header("Retry-After", Long.toString(Math.max(1, settings.getRetryAfter().toSeconds())))
                .body(new ErrorBody(503, "Service Unavailable", e.getMessage()));
    }

    @Error(global = true, exception = PeerFailedException.class)
    public HttpResponse<PeerErrorBody> peerFailed(HttpRequest<?> request, PeerFailedException e) {
        LOG.warn("{} {}: {}", request.getMethod(), request.getPath(), e.getMessage());
        return HttpResponse.<PeerErrorBody>status(HttpStatus.BAD_GATEWAY)
                .body(new PeerErrorBody(502, "Bad Gateway", e.getMessage(), e.peer(), e.peerStatus()));
    }
}
