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

/**
 * Every 401 says how to authenticate ({@code WWW-Authenticate: Bearer}, RFC 6750), so clients and
 * people know a bearer token is what is missing.
 */
@Filter("/**")
@Requires(property = "micronaut.security.enabled", notEquals = "false")
public class BearerChallengeFilter implements HttpServerFilter {

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        return Publishers.map(chain.proceed(request), response -> {
            if (response.status() == HttpStatus.UNAUTHORIZED && !response.getHeaders().contains(HttpHeaders.WWW_AUTHENTICATE)) {
                response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"gds-alerting\"");
            }
            return response;
        });
    }
}
