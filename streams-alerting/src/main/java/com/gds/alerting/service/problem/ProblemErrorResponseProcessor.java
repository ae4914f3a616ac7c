package com.gds.alerting.service.problem;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.bind.exceptions.UnsatisfiedArgumentException;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.codec.CodecException;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.json.JsonSyntaxException;
import io.micronaut.serde.exceptions.SerdeException;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolationException;

/**
 * Every error answer Micronaut itself produces — a parameter that fails validation or conversion,
 * a body that is not JSON or not the request's shape, a missing argument, an unknown path, a
 * method the path does not take, an unsupported media type, an unexpected exception — as the
 * API's one problem body ({@link Problems}), naming the offending field in API terms. A 500 says
 * nothing about the code: its detail carries an id that the ERROR log line carries too.
 */
@Singleton
@Primary
@Replaces(ErrorResponseProcessor.class)
public class ProblemErrorResponseProcessor implements ErrorResponseProcessor<String> {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemErrorResponseProcessor.class);

    private final Problems problems;

    public ProblemErrorResponseProcessor(Problems problems) {
        this.problems = problems;
    }

    @Override
    public MutableHttpResponse<String> processResponse(ErrorContext context, MutableHttpResponse<?> base) {
        HttpRequest<?> request = context.getRequest();
        HttpStatus status = base.status();
        Throwable cause = context.getRootCause().orElse(null);
        List<InvalidParam> params = List.of();
        String detail;
        ConstraintViolationException violations = find(cause, ConstraintViolationException.class);
        ConversionErrorException conversion = find(cause, ConversionErrorException.class);
        UnsatisfiedArgumentException unsatisfied = find(cause, UnsatisfiedArgumentException.class);
        if (violations != null) {
            params = ApiNames.of(violations.getConstraintViolations());
            detail = "the request has invalid parameters";
        } else if (conversion != null && !unreadableBody(cause)) {
            String name = ApiNames.snake(conversion.getArgument().getName());
            Object value = conversion.getConversionError().getOriginalValue().orElse(null);
            params = List.of(new InvalidParam(name, (value == null ? "the value" : "'" + abbreviate(String.valueOf(value)) + "'")
                    + " is not " + ApiNames.kind(conversion.getArgument().getType())));
            detail = "the request has invalid parameters";
        } else if (unreadableBody(cause)) {
            params = ApiNames.ofUnreadableBody(cause);
            detail = "the request body cannot be read";
        } else if (unsatisfied != null) {
            String name = ApiNames.snake(unsatisfied.getArgument().getName());
            params = List.of(ApiNames.BODY_PARAMETER.equals(name)
                    ? new InvalidParam(ApiNames.BODY_PARAMETER, "required: a JSON body")
                    : new InvalidParam(name, "required"));
            detail = "the request misses a required part";
        } else if (status == HttpStatus.NOT_FOUND) {
            detail = "no such path: " + request.getMethodName() + " " + request.getPath();
        } else if (status == HttpStatus.METHOD_NOT_ALLOWED) {
            String allowed = base.getHeaders().getAll(HttpHeaders.ALLOW).stream().collect(Collectors.joining(", "));
            detail = request.getMethodName() + " is not allowed on " + request.getPath()
                    + (allowed.isEmpty() ? "" : "; allowed: " + allowed);
        } else if (status == HttpStatus.UNSUPPORTED_MEDIA_TYPE) {
            detail = "send the body as application/json";
        } else if (status.getCode() >= 500 && find(cause, HttpStatusException.class) != null
                && find(cause, HttpStatusException.class).getMessage() != null) {
            // A controller's deliberate 5xx (too many event streams, ...): its message says why, nothing was hidden.
            detail = find(cause, HttpStatusException.class).getMessage();
        } else if (status.getCode() >= 500) {
            String id = UUID.randomUUID().toString();
            // Micronaut has logged the stack trace already; this line ties it to the id the client was given.
            LOG.error("{} {} answered {} (problem id {}): {}", request.getMethodName(), request.getPath(), status.getCode(), id,
                    String.valueOf(cause));
            detail = "an unexpected error; the service logged it with problem id " + id;
            return problems.response(request, status, Problems.BLANK, detail, List.of(), Map.of("problem_id", id));
        } else {
            detail = context.getErrors().stream().map(Error::getMessage).collect(Collectors.joining("; "));
            if (detail.isBlank()) {
                detail = status.getReason();
            }
        }
        MutableHttpResponse<String> answer = problems.response(request, status, Problems.BLANK, detail, params, Map.of());
        base.getHeaders().forEach((name, values) -> {
            if (!HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name) && !HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
                values.forEach(v -> answer.header(name, v));
            }
        });
        return answer;
    }

    private static boolean unreadableBody(Throwable cause) {
        return find(cause, JsonSyntaxException.class) != null || find(cause, SerdeException.class) != null
                || find(cause, CodecException.class) != null;
    }

    private static <T extends Throwable> T find(Throwable cause, Class<T> type) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String abbreviate(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "…" : value;
    }
}
