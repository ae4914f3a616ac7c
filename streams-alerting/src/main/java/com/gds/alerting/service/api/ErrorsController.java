package com.gds.alerting.service.api;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import com.gds.alerting.service.query.BadRequestException;
import com.gds.alerting.service.query.NotFoundException;
import com.gds.alerting.service.query.StateMigratingException;
import com.gds.alerting.service.streams.AlertingSettings;

/** Maps a bad parameter to 400, "not found" to 404 and "state is moving" to 503 with {@code Retry-After}: never a 500 for a rebalance. */
@Controller
public class ErrorsController {

    /** The body of an error answer. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record ErrorBody(int status, String error, String message) {
    }

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
}
