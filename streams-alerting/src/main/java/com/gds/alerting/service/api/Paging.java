package com.gds.alerting.service.api;

import java.util.ArrayList;
import java.util.List;

import com.gds.alerting.service.problem.InvalidParam;
import com.gds.alerting.service.query.BadRequestException;

/**
 * The one rule for {@code offset} and {@code limit} of every list ({@code /api/v1/alerts},
 * {@code /api/v1/slo}): a value outside its bounds is a 400 naming the bounds, never clamped. A
 * clamped answer looks like a complete one — a client asking for 5,000 and getting 1,000 with no
 * sign of it would page wrongly or conclude there is no more — while a 400 costs one corrected
 * request. Bounds: {@code 0 ≤ offset ≤ 10,000}, {@code 1 ≤ limit ≤ 1,000}; a fan-out's
 * {@code local=true} request (one instance's first {@code offset + limit}) takes a limit up to
 * 11,000 and no offset.
 */
public record Paging(int offset, int limit) {

    public static final int MAX_OFFSET = 10_000;
    public static final int MAX_LIMIT = 1_000;
    /** What the fan-out asks each instance for at most: {@code MAX_OFFSET + MAX_LIMIT}. */
    public static final int MAX_LOCAL_LIMIT = MAX_OFFSET + MAX_LIMIT;

    /** The paging of a request, or a 400 naming every parameter out of bounds. */
    public static Paging of(int offset, int limit, boolean local) {
        List<InvalidParam> problems = new ArrayList<>();
        if (offset < 0 || offset > MAX_OFFSET) {
            problems.add(new InvalidParam("offset", "must be between 0 and " + MAX_OFFSET + ", was " + offset));
        }
        int maxLimit = local ? MAX_LOCAL_LIMIT : MAX_LIMIT;
        if (limit < 1 || limit > maxLimit) {
            problems.add(new InvalidParam("limit", "must be between 1 and " + maxLimit + ", was " + limit));
        }
        if (!problems.isEmpty()) {
            throw new BadRequestException(problems);
        }
        return new Paging(offset, limit);
    }
}
