package com.gds.alerting.service.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;

import com.gds.alerting.service.auth.Rights;
import com.gds.alerting.service.query.AlertQueries;

/** {@code GET /api/v1/slo/{ruleId}/{instanceId}}: SLI and burn rate per window, error budget left; {@code GET /api/v1/slo}: all of them. */
@Controller("/api/v1/slo")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(Rights.READ)
public class SloController {

    private final AlertQueries queries;

    public SloController(AlertQueries queries) {
        this.queries = queries;
    }

    /**
     * Every (SLO rule, instance) the topology tracks, the least error budget left first; filtered
     * by {@code rule_id} and by {@code q}, a case-insensitive substring of the instance id.
     * {@code local=true} answers from this instance only (what the fan-out asks the others for).
     * {@code offset} and {@code limit} follow {@link Paging}.
     */
    @Get
    public SloPage list(@Nullable @QueryValue("rule_id") String ruleId, @Nullable @QueryValue String q,
                        @QueryValue(defaultValue = "0") int offset,
                        @QueryValue(defaultValue = "100") int limit,
                        @Nullable @QueryValue("local") String localFlag,
                        HttpRequest<?> request) {
        boolean local = QueryFlags.parse("local", localFlag);
        Paging paging = Paging.of(offset, limit, local);
        if (local) {
            return queries.localSloPage(ruleId, q, paging.limit());
        }
        return queries.sloPage(ruleId, q, paging.offset(), paging.limit(), request);
    }

    @Get("/{ruleId}/{instanceId}")
    public SloView get(@PathVariable String ruleId, @PathVariable String instanceId,
                       @Nullable @QueryValue(AlertQueries.STALE_OK) String staleOk,
                       HttpRequest<?> request) {
        return queries.slo(ruleId, instanceId, QueryFlags.parse(AlertQueries.STALE_OK, staleOk), request);
    }
}
