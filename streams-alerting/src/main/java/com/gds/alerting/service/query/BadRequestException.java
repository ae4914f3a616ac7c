package com.gds.alerting.service.query;

import java.util.List;

import com.gds.alerting.service.problem.InvalidParam;

/** A request parameter the service cannot use (HTTP 400, naming it in API terms). */
public class BadRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<InvalidParam> params;

    /** A request the service cannot use as a whole (no single parameter to blame). */
    public BadRequestException(String message) {
        super(message);
        this.params = List.of();
    }

    /** {@code name} (as the API spells it: {@code state}, {@code matchers[0].op}) is unusable for {@code reason}. */
    public BadRequestException(String name, String reason) {
        this(List.of(new InvalidParam(name, reason)));
    }

    /** Every unusable parameter at once; the message joins them. */
    public BadRequestException(List<InvalidParam> params) {
        super(String.join("; ", params.stream().map(InvalidParam::toString).toList()));
        this.params = List.copyOf(params);
    }

    /** The parameters to name in the answer; empty when the request is wrong as a whole. */
    public List<InvalidParam> params() {
        return params;
    }
}
