package com.gds.alerting.service.api;

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

/** {@code GET /api/v1/slo/{ruleId}/{instanceId}}: SLI and burn rate per window, error budget left. */
@Controller("/api/v1/slo")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(Rights.READ)
public class SloController {

    private final AlertQueries queries;

    public SloController(AlertQueries queries) {
        this.queries = queries;
    }

    @Get("/{ruleId}/{instanceId}")
    public SloView get(@PathVariable String ruleId, @PathVariable String instanceId,
                       @QueryValue(value = AlertQueries.STALE_OK, defaultValue = "false") boolean staleOk,
                       HttpRequest<?> request) {
        return queries.slo(ruleId, instanceId, staleOk, request);
    }
}
