package com.gds.alerting.service.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import com.gds.alerting.service.problem.InvalidParam;
import com.gds.alerting.service.problem.Problems;
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

    /** The problem type of a 409: the topology rejected the command ({@code rejection} says why). */
    public static final String COMMAND_REJECTED = "urn:gds-alerting:problem:command-rejected";

    private final AlertQueries queries;
    private final CommandPublisher publisher;
    private final MetricSeriesReader series;
    private final CommandVerdicts verdicts;
    private final AlertingSettings settings;
    private final Problems problems;

    public AlertsController(AlertQueries queries, CommandPublisher publisher, MetricSeriesReader series,
                            CommandVerdicts verdicts, AlertingSettings settings, Problems problems) {
        this.problems = problems;
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
     * substring of the alert key or summary; {@code shadow} is {@code false} (the default: live rules'
     * alerts only), {@code true} (only shadow rules') or {@code all}. {@code local=true} answers from this instance only
     * with its first {@code limit} (what the fan-out asks the others for). An unknown {@code state},
     * {@code severity} or {@code sort} is a 400 listing the allowed values; {@code offset} and
     * {@code limit} follow {@link Paging}.
     */
    @Get
    @Secured(Rights.READ)
    public HttpResponse<?> list(@Nullable @QueryValue String state, @Nullable @QueryValue String severity,
                                @Nullable @QueryValue("instance_id") String instanceId,
                                @Nullable @QueryValue("rule_id") String ruleId,
                                @Nullable @QueryValue String q,
                                @Nullable @QueryValue String shadow,
                                @Nullable @QueryValue String sort,
                                @QueryValue(defaultValue = "0") int offset,
                                @QueryValue(defaultValue = "100") int limit,
                                @Nullable @QueryValue("local") String localFlag,
                                HttpRequest<?> request) {
        AlertFilter filter = new AlertFilter(state, severity, instanceId, ruleId, q, shadow);
        List<InvalidParam> problems = new ArrayList<>(filter.validate());
        AlertOrder order = null;
        try {
            order = AlertOrder.parse(sort);
        } catch (IllegalArgumentException e) {
            problems.add(new InvalidParam("sort", e.getMessage()));
        }
        if (!problems.isEmpty()) {
            throw new BadRequestException(problems);
        }
        boolean local = QueryFlags.parse("local", localFlag);
        Paging paging = Paging.of(offset, limit, local);
        if (local) {
            return HttpResponse.ok(queries.localPage(filter, order, paging.limit()));
        }
        return HttpResponse.ok(queries.page(filter, order, paging.offset(), paging.limit(), request));
    }

    /** One alert; {@code stale: true} in the answer when it came from a standby. */
    @Get("/{alertKey}")
    @Secured(Rights.READ)
    public AlertView get(@PathVariable String alertKey,
                         @Nullable @QueryValue(AlertQueries.STALE_OK) String staleOk,
                         HttpRequest<?> request) {
        return queries.one(alertKey, QueryFlags.parse(AlertQueries.STALE_OK, staleOk), request);
    }

    /** The newest transitions of one alert (up to 100, oldest first; all of them are on gds.alerts.events). */
    @Get("/{alertKey}/history")
    @Secured(Rights.READ)
    public List<EventView> history(@PathVariable String alertKey,
                                   @Nullable @QueryValue(AlertQueries.STALE_OK) String staleOk,
                                   HttpRequest<?> request) {
        return queries.history(alertKey, QueryFlags.parse(AlertQueries.STALE_OK, staleOk), request);
    }

    /**
     * What an ANOMALY rule has learned about the alert's series (algorithm, seasonality, state, each hour
     * bucket's expected value, scale and band) or a FORECAST rule's trend window (samples, slope, intercept,
     * predicted crossing): {@link BaselineView}. 404 for a key whose rule is of another kind or unknown.
     */
    @Get("/{alertKey}/baseline")
    @Secured(Rights.READ)
    public BaselineView baseline(@PathVariable String alertKey,
                                 @Nullable @QueryValue(AlertQueries.STALE_OK) String staleOk,
                                 HttpRequest<?> request) {
        return queries.baseline(alertKey, QueryFlags.parse(AlertQueries.STALE_OK, staleOk), request);
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
    public HttpResponse<?> ack(@PathVariable String alertKey, @Valid @Body CommandRequest body,
                                             HttpRequest<?> request) {
        return command(alertKey, CommandType.ACKNOWLEDGE, body, request);
    }

    /** Resolve by hand. Answers like {@link #ack}: 200 applied, 409 rejected, 202 no verdict in time, 404 unknown. */
    @Post("/{alertKey}/resolve")
    @Secured(Rights.WRITE)
    public HttpResponse<?> resolve(@PathVariable String alertKey, @Valid @Body CommandRequest body,
                                                 HttpRequest<?> request) {
        return command(alertKey, CommandType.RESOLVE, body, request);
    }

    private HttpResponse<?> command(String alertKey, CommandType type, CommandRequest body,
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
            return rejected(request, answer);
        }
        verdicts.count(CommandVerdicts.Answer.APPLIED);
        return HttpResponse.ok(answer);
    }

    /**
     * A rejected command as a problem ({@code type} {@value #COMMAND_REJECTED}) that carries the
     * command's answer as members: {@code command_id}, {@code alert_key}, {@code incident},
     * {@code outcome}, {@code rejection}, {@code state}, {@code message}; the command's type is
     * {@code command_type}, since {@code type} is the problem's.
     */
    private HttpResponse<String> rejected(HttpRequest<?> request, CommandAccepted answer) {
        Map<String, Object> members = new java.util.LinkedHashMap<>();
        members.put("command_id", answer.commandId());
        members.put("alert_key", answer.alertKey());
        members.put("command_type", answer.type());
        members.put("incident", answer.incident());
        members.put("outcome", answer.outcome());
        members.put("rejection", answer.rejection());
        members.put("state", answer.state());
        String detail = answer.message() != null ? answer.message()
                : "the topology rejected the command: " + answer.rejection();
        return problems.response(request, HttpStatus.CONFLICT, COMMAND_REJECTED, detail, List.of(), members);
    }
}
