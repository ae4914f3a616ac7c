package com.gds.alerting.service.api;

import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;

import com.gds.alerting.service.problem.Problems;
import com.gds.alerting.service.query.BadRequestException;
import com.gds.alerting.service.query.NotFoundException;
import com.gds.alerting.service.query.PeerFailedException;
import com.gds.alerting.service.query.StateMigratingException;
import com.gds.alerting.service.streams.AlertingSettings;

/**
 * Maps a bad parameter to 400 naming it, "not found" to 404, "state is moving" (or the instance
 * that holds it does not answer) to 503 with {@code Retry-After}: never a 500 for a rebalance; and
 * a permanent error of the instance that holds the answer to 502 naming it and its status, so that
 * clients do not retry what retrying will not cure. Every body is a problem ({@link Problems}).
 */
@Controller
public class ErrorsController {

    /** The problem type of a 502: the instance that owns the answer failed for good. */
    public static final String PEER_FAILED = "urn:gds-alerting:problem:peer-failed";

    private static final Logger LOG = LoggerFactory.getLogger(ErrorsController.class);

    private final AlertingSettings settings;
    private final Problems problems;

    public ErrorsController(AlertingSettings settings, Problems problems) {
        this.settings = settings;
        this.problems = problems;
    }

    @Error(global = true, exception = NotFoundException.class)
    public HttpResponse<String> notFound(HttpRequest<?> request, NotFoundException e) {
        return problems.response(request, HttpStatus.NOT_FOUND, e.getMessage());
    }

    @Error(global = true, exception = BadRequestException.class)
    public HttpResponse<String> badRequest(HttpRequest<?> request, BadRequestException e) {
        return problems.invalid(request, e.params().isEmpty() ? e.getMessage() : "the request has invalid parameters",
                e.params());
    }

    @Error(global = true, exception = StateMigratingException.class)
    public HttpResponse<String> migrating(HttpRequest<?> request, StateMigratingException e) {
        return problems.response(request, HttpStatus.SERVICE_UNAVAILABLE, e.getMessage())
                .header("Retry-After", Long.toString(Math.max(1, settings.getRetryAfter().toSeconds())));
    }

    /** 502 with the failed instance ({@code peer}) and the status it answered ({@code peer_status}; 0 = an unreadable answer). */
    @Error(global = true, exception = PeerFailedException.class)
    public HttpResponse<String> peerFailed(HttpRequest<?> request, PeerFailedException e) {
        LOG.warn("{} {}: {}", request.getMethod(), request.getPath(), e.getMessage());
        return problems.response(request, HttpStatus.BAD_GATEWAY, PEER_FAILED, e.getMessage(), List.of(),
                Map.of("peer", e.peer(), "peer_status", e.peerStatus()));
    }
}
