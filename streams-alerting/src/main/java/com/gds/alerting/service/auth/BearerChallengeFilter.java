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

import com.gds.alerting.service.problem.Problems;

/**
 * Every 401 says how to authenticate ({@code WWW-Authenticate: Bearer}, RFC 6750), so clients and
 * people know a bearer token is what is missing. The body of a 401 or 403 is replaced by the API's
 * problem body ({@link Problems}), which names the path but never the query string: a token put in
 * the query string ({@code ?access_token=...}) must not be echoed to whoever sent it nor to
 * anything that logs responses.
 */
@Filter("/**")
@Requires(property = "micronaut.security.enabled", notEquals = "false")
public class BearerChallengeFilter implements HttpServerFilter {

    private final Problems problems;

    public BearerChallengeFilter(Problems problems) {
        this.problems = problems;
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        return Publishers.map(chain.proceed(request), response -> {
            if (response.status() == HttpStatus.UNAUTHORIZED) {
                if (!response.getHeaders().contains(HttpHeaders.WWW_AUTHENTICATE)) {
                    response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"gds-alerting\"");
                }
                return problems.replaceBody(response, request,
                        "a valid bearer token is required (Authorization: Bearer <token>)");
            }
            if (response.status() == HttpStatus.FORBIDDEN) {
                return problems.replaceBody(response, request, "this token has no right to this request");
            }
            return response;
        });
    }
}
