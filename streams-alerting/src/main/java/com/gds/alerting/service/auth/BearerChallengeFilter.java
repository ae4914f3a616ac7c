package com.gds.alerting.service.auth;

import org.reactivestreams.Publisher;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;

import com.gds.alerting.service.api.ErrorsController.ErrorBody;

/**
 * Every 401 says how to authenticate ({@code WWW-Authenticate: Bearer}, RFC 6750), so clients and
 * people know a bearer token is what is missing. The body of a 401 or 403 is replaced by a plain
 * one: Micronaut's default error body links back to the request URI, query string included, so a
 * token put in the query string ({@code ?access_token=...}) would be echoed to whoever sent it and
 * to anything that logs responses.
 */
@Filter("/**")
@Requires(property = "micronaut.security.enabled", notEquals = "false")
public class BearerChallengeFilter implements HttpServerFilter {

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        return Publishers.map(chain.proceed(request), response -> {
            if (response.status() == HttpStatus.UNAUTHORIZED) {
                if (!response.getHeaders().contains(HttpHeaders.WWW_AUTHENTICATE)) {
                    response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"gds-alerting\"");
                }
                return response.body(new ErrorBody(401, "Unauthorized",
                        "a bearer token is required (Authorization: Bearer <token>)"));
            }
            if (response.status() == HttpStatus.FORBIDDEN) {
                return response.body(new ErrorBody(403, "Forbidden", "this token has no right to this request"));
            }
            return response;
        });
    }
}
