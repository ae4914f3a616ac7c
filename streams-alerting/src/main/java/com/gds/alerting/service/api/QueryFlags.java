package com.gds.alerting.service.api;

import java.util.Locale;

import com.gds.alerting.service.query.BadRequestException;

/**
 * A yes/no query parameter ({@code local}, {@code stale_ok}), read strictly: {@code true} or
 * {@code false} in any case, absent or empty = false. Anything else is a 400 naming it — Micronaut's
 * own conversion reads {@code local=maybe} as false, silently.
 */
final class QueryFlags {

    private QueryFlags() {
    }

    static boolean parse(String name, String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new BadRequestException(name, "'" + (value.length() > 40 ? value.substring(0, 40) + "…" : value)
                    + "' is not true or false");
        };
    }
}
