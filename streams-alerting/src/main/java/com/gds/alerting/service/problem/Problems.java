package com.gds.alerting.service.problem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

/**
 * The one error body of the API: {@code application/problem+json} (RFC 9457) for every 4xx and 5xx
 * of every controller and filter. Members: {@code type} ({@code about:blank} unless a more precise
 * type is named), {@code title} (the status's reason phrase), {@code status}, {@code detail} (what
 * went wrong, for a person), {@code instance} (the request path, never its query string: a token
 * put there must not be echoed), and {@code invalid_params} ({@code [{name, reason}]}, names as the
 * API spells them) when parts of the request are to blame. {@code error} and {@code message}
 * repeat {@code title} and {@code detail}: the members of the error body before this one, kept so
 * that no client reading them breaks. Extensions (the 409 of a command, the 502 of a peer) add
 * their own members.
 *
 * <p>The body is written as text with its media type here, so that no codec has to know
 * {@code application/problem+json}.
 */
@Singleton
public class Problems {

    /** The media type of every error answer. */
    public static final String MEDIA_TYPE = "application/problem+json";
    /** No more semantics than the status code (RFC 9457, section 4.2.1). */
    public static final String BLANK = "about:blank";

    private final JsonMapper json;

    public Problems(JsonMapper json) {
        this.json = json;
    }

    /** A problem answer with {@code detail} and nothing more. */
    public MutableHttpResponse<String> response(HttpRequest<?> request, HttpStatus status, String detail) {
        return response(request, status, BLANK, detail, List.of(), Map.of());
    }

    /** A 400 naming each unusable parameter. */
    public MutableHttpResponse<String> invalid(HttpRequest<?> request, String detail, List<InvalidParam> params) {
        return response(request, HttpStatus.BAD_REQUEST, BLANK, detail, params, Map.of());
    }

    /** The general form: {@code extensions} are added after the standard members (snake_case names). */
    public MutableHttpResponse<String> response(HttpRequest<?> request, HttpStatus status, String type, String detail,
                                                List<InvalidParam> params, Map<String, ?> extensions) {
        return fill(HttpResponse.status(status), request, status, type, detail, params, extensions);
    }

    /** Replaces the body of {@code response} (a filter's) by the problem; status and headers stay. */
    public MutableHttpResponse<?> replaceBody(MutableHttpResponse<?> response, HttpRequest<?> request, String detail) {
        return fill(response, request, response.status(), BLANK, detail, List.of(), Map.of());
    }

    private MutableHttpResponse<String> fill(MutableHttpResponse<?> response, HttpRequest<?> request, HttpStatus status,
                                             String type, String detail, List<InvalidParam> params,
                                             Map<String, ?> extensions) {
        @SuppressWarnings("unchecked")
        MutableHttpResponse<String> typed = (MutableHttpResponse<String>) response;
        typed.contentType(MEDIA_TYPE);
        return typed.body(body(request, status, type, detail, params, extensions));
    }

    /** The JSON text of a problem; also what a test or a peer reads back. */
    public String body(HttpRequest<?> request, HttpStatus status, String type, String detail, List<InvalidParam> params,
                       Map<String, ?> extensions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("title", status.getReason());
        body.put("status", status.getCode());
        body.put("detail", detail);
        if (request != null) {
            body.put("instance", request.getPath());
        }
        if (!params.isEmpty()) {
            body.put("invalid_params", params.stream().map(p -> Map.of("name", p.name(), "reason", p.reason())).toList());
        }
        extensions.forEach((k, v) -> {
            if (v != null) {
                body.putIfAbsent(k, v);
            }
        });
        body.putIfAbsent("error", status.getReason());
        body.putIfAbsent("message", detail);
        try {
            return json.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a problem body", e);
        }
    }
}
