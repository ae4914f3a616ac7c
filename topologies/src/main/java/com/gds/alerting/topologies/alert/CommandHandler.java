package com.gds.alerting.topologies.alert;

import java.util.ArrayList;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import com.gds.alerting.avro.AlertCommand;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.CommandOutcome;
import com.gds.alerting.avro.CommandRejection;
import com.gds.alerting.avro.CommandResult;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.RuleBook;

/**
 * Operator commands (acknowledge, unacknowledge, resolve) on the alert they name: a command id already
 * applied to the alert ({@code recent_command_ids}, the last {@value #COMMAND_IDS_KEPT}) is a DUPLICATE; a
 * command that does not fit the alert's state is REJECTED with the reason; otherwise it is APPLIED and its
 * transition emitted. Every command gets one {@code CommandResult}. Stores: {@code alert-state} (and, through
 * the lifecycle, {@code alert-timers} and {@code alert-open}).
 */
final class CommandHandler {

    private static final int COMMAND_IDS_KEPT = 32;

    private final ProcessorContext<String, SpecificRecord> context;
    private final AlertLifecycle lifecycle;
    private final AlertStates states;
    private final RuleBook ruleBook;
    private final AlertingCounters counters;

    CommandHandler(ProcessorContext<String, SpecificRecord> context, AlertLifecycle lifecycle, RuleBook ruleBook,
                   AlertingCounters counters) {
        this.context = context;
        this.lifecycle = lifecycle;
        this.states = lifecycle.states();
        this.ruleBook = ruleBook;
        this.counters = counters;
    }

    void onCommand(AlertCommand command) {
        long now = context.currentSystemTimeMs();
        String key = command.getAlertKey();
        AlertStatus s = states.get(key);
        if (s != null && s.getRecentCommandIds().contains(command.getCommandId())) {
            result(command, CommandOutcome.DUPLICATE, null, "command " + command.getCommandId() + " was already applied", s, now);
            return;
        }
        CommandRejection rejection = rejection(command, s);
        if (rejection != null) {
            counters.increment(Counter.COMMANDS_REJECTED);
            result(command, CommandOutcome.REJECTED, rejection, explain(rejection, command, s), s, now);
            return;
        }
        remember(s, command.getCommandId());
        switch (command.getType()) {
            case ACKNOWLEDGE -> {
                lifecycle.cancelTimers(s);
                s.setState(AlertState.ACKNOWLEDGED);
                s.setAcknowledgedBy(command.getBy());
                s.setAcknowledgedAt(command.getIssuedAt().toEpochMilli());
                s.setAckComment(command.getComment());
                lifecycle.emit(s, Transition.ACKNOWLEDGED, AlertState.FIRING, Reason.MANUAL, command.getCommandId(), now);
                states.put(key, s);
            }
            case UNACKNOWLEDGE -> {
                s.setState(AlertState.FIRING);
                s.setAcknowledgedBy(null);
                s.setAcknowledgedAt(null);
                s.setAckComment(null);
                CompiledRule rule = ruleBook.rule(s.getRuleId());
                if (rule != null) {
                    lifecycle.schedule(s, rule, now);
                }
                lifecycle.emit(s, Transition.UNACKNOWLEDGED, AlertState.ACKNOWLEDGED, Reason.MANUAL, command.getCommandId(), now);
                states.put(key, s);
            }
            case RESOLVE -> lifecycle.resolve(s, now, Reason.MANUAL, command.getBy(), command.getComment(), command.getCommandId());
            default -> throw new IllegalStateException("unknown command type " + command.getType());
        }
        counters.increment(Counter.COMMANDS_APPLIED);
        result(command, CommandOutcome.APPLIED, null, null, s, now);
    }

    private static CommandRejection rejection(AlertCommand command, AlertStatus s) {
        if (s == null) {
            return CommandRejection.UNKNOWN_ALERT;
        }
        if (command.getIncident() != null && command.getIncident() != s.getIncident()) {
            return CommandRejection.STALE_INCIDENT;
        }
        AlertState state = s.getState();
        if (state == AlertState.RESOLVED) {
            return CommandRejection.ALREADY_RESOLVED;
        }
        if (state == AlertState.PENDING) {
            return CommandRejection.NOT_FIRING;
        }
        return switch (command.getType()) {
            case ACKNOWLEDGE -> state == AlertState.ACKNOWLEDGED ? CommandRejection.ALREADY_ACKNOWLEDGED : null;
            case UNACKNOWLEDGE -> state == AlertState.ACKNOWLEDGED ? null : CommandRejection.NOT_ACKNOWLEDGED;
            case RESOLVE -> null;
        };
    }

    private static String explain(CommandRejection rejection, AlertCommand command, AlertStatus s) {
        return switch (rejection) {
            case UNKNOWN_ALERT -> "no alert has key '" + command.getAlertKey() + "'";
            case STALE_INCIDENT -> "the command is for incident " + command.getIncident() + " but the alert is at incident "
                    + s.getIncident();
            case ALREADY_RESOLVED -> "incident " + s.getIncident() + " of '" + command.getAlertKey() + "' is already resolved";
            case NOT_FIRING -> "'" + command.getAlertKey() + "' is pending (its 'for' period is not served); nothing fires yet";
            case ALREADY_ACKNOWLEDGED -> "already acknowledged by " + s.getAcknowledgedBy();
            case NOT_ACKNOWLEDGED -> "'" + command.getAlertKey() + "' is not acknowledged";
        };
    }

    private static void remember(AlertStatus s, String commandId) {
        List<String> ids = new ArrayList<>(s.getRecentCommandIds());
        ids.add(commandId);
        if (ids.size() > COMMAND_IDS_KEPT) {
            ids.remove(0);
        }
        s.setRecentCommandIds(ids);
    }

    private void result(AlertCommand command, CommandOutcome outcome, CommandRejection rejection, String detail,
                        AlertStatus s, long now) {
        CommandResult result = CommandResult.newBuilder()
                .setCommandId(command.getCommandId())
                .setAlertKey(command.getAlertKey())
                .setType(command.getType())
                .setBy(command.getBy())
                .setOutcome(outcome)
                .setRejection(rejection)
                .setDetail(detail)
                .setState(s == null ? null : s.getState())
                .setIncident(s == null ? null : s.getIncident())
                .setProcessedAt(java.time.Instant.ofEpochMilli(now))
                .build();
        context.forward(new Record<>(command.getAlertKey(), result, now));
    }
}
