package com.gds.alerting.service.problem;

/**
 * One unusable part of a request, as RFC 9457's {@code invalid-params} example: {@code name} is the
 * parameter or body field as the API spells it ({@code created_by}, {@code matchers[0].op},
 * {@code limit}), never a Java name; {@code reason} says what is wrong and what would do.
 */
public record InvalidParam(String name, String reason) {

    @Override
    public String toString() {
        return name + ": " + reason;
    }
}
