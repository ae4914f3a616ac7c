package com.gds.alerting.service.api;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import com.gds.alerting.avro.AlertCommand;
import com.gds.alerting.avro.CommandOutcome;
import com.gds.alerting.avro.CommandResult;
import com.gds.alerting.avro.CommandType;
import com.gds.alerting.service.auth.Rights;
import com.gds.alerting.service.query.AlertFilter;
import com.gds.alerting.service.query.AlertOrder;
import com.gds.alerting.service.query.BadRequestException;
import com.gds.alerting.service.query.MetricSeriesReader;
import com.gds.alerting.service.query.AlertQueries;
import com.gds.alerting.service.streams.AlertingSettings;

/**
 * {@code /api/v1/alerts}: current alerts across every instance, one alert from whichever instance
 * owns it, and the ack / resolve write paths (commands the topology applies).
 */
@Controller("/api/v1/alerts")
@ExecuteOn(TaskExecutors.BLOCKING)
public class AlertsController {

    private final AlertQueries queries;
    private final CommandPublisher publisher;
    private final MetricSeriesReader series;
    private final CommandVerdicts verdicts;
    private final AlertingSettings settings;

    public AlertsController(AlertQueries queries, CommandPublisher publisher, MetricSeriesReader series,
                            CommandVerdicts verdicts, AlertingSettings settings) {
        this.queries = queries;
        this.publisher = publisher;
        this.series = series;
        this.verdicts = verdicts;
        this.settings = settings;
    }

    /**
     * Alerts matching the filters, most urgent and newest first unless {@code sort} says otherwise
     * ({@link AlertOrder}). Without {@code state}: pending, firing and acknowledged; {@code state}
     * and {@code severity} also take comma-separated lists, and {@code q} is a case-insensitive
     * substring of the alert key or summary. {@code local=true} answers from this instance only
     * with its first {@code limit} (what the fan-out asks the others for); the page of a fan-out is
     * at most {@code offset + limit} = 11,000 deep.
     */
    @Get
    @Secured(Rights.READ)
    public HttpResponse<?> list(@Nullable @QueryValue String state, @Nullable @QueryValue String severity,
                                @Nullable @QueryValue("instance_id") String instanceId,
                                @Nullable @QueryValue("rule_id") String ruleId,
                                @Nullable @QueryValue String q,
                                @Nullable @QueryValue String sort,
                                @QueryValue(defaultValue = "0") @Min(0) @Max(10_000) int offset,
                                @QueryValue(defaultValue = "100") @Min(1) @Max(11_000) int limit,
                                @QueryValue(defaultValue = "false") boolean local,
                                HttpRequest<?> request) {
        AlertFilter filter = new AlertFilter(state, severity, instanceId, ruleId, q);
        AlertOrder order;
        try {
            order = AlertOrder.parse(sort);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        if (local) {
            return HttpResponse.ok(queries.localPage(filter, order, limit));
        }
        return HttpResponse.ok(queries.page(filter, order, offset, Math.min(limit, 1000), request));
    }

    /** One alert; {@code stale: true} in the answer when it came from a standby. */
    @Get("/{alertKey}")
    @Secured(Rights.READ)
    public AlertView get(@PathVariable String alertKey,
                         @QueryValue(value = AlertQueries.STALE_OK, defaultValue = "false") boolean staleOk,
                         HttpRequest<?> request) {
        return queries.one(alertKey, staleOk, request);
    }

    /** The newest transitions of one alert (up to 100, oldest first; all of them are on gds.alerts.events). */
    @Get("/{alertKey}/history")
    @Secured(Rights.READ)
    public List<EventView> history(@PathVariable String alertKey,
                                   @QueryValue(value = AlertQueries.STALE_OK, defaultValue = "false") boolean staleOk,
                                   HttpRequest<?> request) {
        return queries.history(alertKey, staleOk, request);
    }

    /**
     * The alert's recent values (its instance and metric), read back from its metrics topic over
     * the last {@code minutes}; at most {@code points} points (min/max per time bucket beyond that).
     * The console's sparkline. Bounded by {@code gds.console.series-*}.
     */
    @Get("/{alertKey}/values")
    @Secured(Rights.READ)
    public SeriesView values(@PathVariable String alertKey,
                             @QueryValue(defaultValue = "60") @Min(1) @Max(1440) int minutes,
                             @QueryValue(defaultValue = "300") @Min(10) @Max(2000) int points,
                             HttpRequest<?> request) {
        AlertView alert = queries.one(alertKey, true, request);
        return series.read(alert, Duration.ofMinutes(minutes), points);
    }

    /**
     * Acknowledge: stops reminders and escalation. Waits (up to {@code
     * gds.alerting.command-verdict-timeout}) for the topology's verdict: 200 applied, 409 rejected
     * with the reason (pending, already acknowledged, resolved, a stale incident), 202 when the
     * verdict did not come in time; 404 for an unknown alert.
     */
    @Post("/{alertKey}/ack")
    @Secured(Rights.WRITE)
    public HttpResponse<CommandAccepted> ack(@PathVariable String alertKey, @Valid @Body CommandRequest body,
                                             HttpRequest<?> request) {
        return command(alertKey, CommandType.ACKNOWLEDGE, body, request);
    }

    /** Resolve by hand. Answers like {@link #ack}: 200 applied, 409 rejected, 202 no verdict in time, 404 unknown. */
    @Post("/{alertKey}/resolve")
    @Secured(Rights.WRITE)
    public HttpResponse<CommandAccepted> resolve(@PathVariable String alertKey, @Valid @Body CommandRequest body,
                                                 HttpRequest<?> request) {
        return command(alertKey, CommandType.RESOLVE, body, request);
    }

    private HttpResponse<CommandAccepted> command(String alertKey, CommandType type, CommandRequest body,
                                                  HttpRequest<?> request) {
        queries.one(alertKey, true, request);
        AlertCommand command = publisher.build(alertKey, type, body);
        String id = command.getCommandId();
        Duration timeout = settings.getCommandVerdictTimeout();
        CompletableFuture<CommandResult> pending = verdicts.expect(id, timeout);
        try {
            publisher.publish(command);
        } catch (RuntimeException e) {
            verdicts.forget(id);
            throw e;
        }
        if (pending == null) {
            verdicts.count(CommandVerdicts.Answer.NOT_AWAITED);
            return HttpResponse.accepted().body(CommandAccepted.written(id, alertKey, type.name(), command.getIncident(),
                    "written to the commands topic; its verdict is not awaited (see gds.alerts.command-results)"));
        }
        CommandResult verdict = verdicts.await(id, pending, timeout);
        if (verdict == null) {
            verdicts.count(CommandVerdicts.Answer.TIMED_OUT);
            return HttpResponse.accepted().body(CommandAccepted.written(id, alertKey, type.name(), command.getIncident(),
                    "written to the commands topic; the topology's verdict did not come within " + timeout
                            + " (it will be on gds.alerts.command-results)"));
        }
        CommandAccepted answer = new CommandAccepted(id, alertKey, type.name(),
                verdict.getIncident() != null ? verdict.getIncident() : command.getIncident(), verdict.getOutcome().name(),
                verdict.getRejection() == null ? null : verdict.getRejection().name(),
                verdict.getState() == null ? null : verdict.getState().name(), verdict.getDetail());
        if (verdict.getOutcome() == CommandOutcome.REJECTED) {
            verdicts.count(CommandVerdicts.Answer.REJECTED);
            return HttpResponse.<CommandAccepted>status(HttpStatus.CONFLICT).body(answer);
        }
        verdicts.count(CommandVerdicts.Answer.APPLIED);
        return HttpResponse.ok(answer);
    }
}
