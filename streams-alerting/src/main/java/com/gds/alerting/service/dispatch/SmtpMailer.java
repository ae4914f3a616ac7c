package com.gds.alerting.service.dispatch;

import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Properties;

import javax.net.ssl.SSLException;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.util.MailConnectException;

import io.micronaut.core.annotation.Nullable;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * Sends one notification as one e-mail over SMTP (Jakarta Mail, Angus implementation): the
 * payload's {@code subject} and {@code body_text} as they are, and its {@code message_id} as the
 * mail's {@code Message-ID} ({@code <message_id@domain>}), so a mailbox or a ticketing system
 * that deduplicates on Message-ID sees a re-sent mail as the same one. TLS, timeouts and extra
 * Jakarta Mail properties come from {@link FallbackSettings.Smtp}; the password goes to the
 * transport only, never into the session properties (which Jakarta Mail's debug output prints).
 * One connection per mail: the fallback is for outages, not for throughput. Thread-safe.
 */
final class SmtpMailer {

    /** Headers that carry the notification's fields for filters and scripts. */
    static final String MESSAGE_ID_HEADER = "X-GDS-Message-Id";
    static final String SEVERITY_HEADER = "X-GDS-Severity";
    static final String ROUTING_KEY_HEADER = "X-GDS-Routing-Key";

    /** What a mail attempt came to: sent, or the cause (a short code) and the error. */
    record Result(boolean sent, String cause, String error) {
        static final Result SENT = new Result(true, "SENT", "");
    }

    private final FallbackSettings.Smtp smtp;
    private final InternetAddress from;
    private final String messageIdDomain;
    private final Session session;
    private final String protocol;
    private final Clock clock;

    SmtpMailer(FallbackSettings settings, Clock clock) {
        this.smtp = settings.getSmtp();
        this.messageIdDomain = settings.getMessageIdDomain();
        this.clock = clock;
        try {
            this.from = new InternetAddress(settings.getFrom(), true);
        } catch (MessagingException e) {
            throw new IllegalArgumentException("validated at start", e);
        }
        this.protocol = smtp.getSecurity() == FallbackSettings.Security.SMTPS ? "smtps" : "smtp";
        this.session = Session.getInstance(properties(smtp, protocol));
    }

    private static Properties properties(FallbackSettings.Smtp smtp, String protocol) {
        Properties p = new Properties();
        String at = "mail." + protocol + ".";
        p.put("mail.transport.protocol", protocol);
        p.put(at + "host", smtp.getHost());
        p.put(at + "port", Integer.toString(smtp.getPort()));
        p.put(at + "connectiontimeout", Long.toString(smtp.getConnectTimeout().toMillis()));
        p.put(at + "timeout", Long.toString(smtp.getTimeout().toMillis()));
        p.put(at + "writetimeout", Long.toString(smtp.getTimeout().toMillis()));
        p.put(at + "auth", Boolean.toString(smtp.getUsername() != null));
        if (smtp.getSecurity() == FallbackSettings.Security.STARTTLS) {
            p.put(at + "starttls.enable", "true");
            p.put(at + "starttls.required", "true");
        } else if (smtp.getSecurity() == FallbackSettings.Security.SMTPS) {
            p.put(at + "ssl.enable", "true");
        }
        p.putAll(smtp.getProperties());
        // Whatever was passed through: the SMTP dialogue's AUTH lines never reach a debug log.
        p.put("mail.debug.auth", "false");
        return p;
    }

    /** Mails {@code payload} to {@code to}; never throws for a delivery failure. */
    Result send(NotificationPayload payload, List<InternetAddress> to) {
        try {
            MimeMessage message = message(payload, to);
            try (Transport transport = session.getTransport(protocol)) {
                transport.connect(smtp.getHost(), smtp.getPort(), smtp.getUsername(), smtp.getPassword());
                transport.sendMessage(message, message.getAllRecipients());
            }
            return Result.SENT;
        } catch (MessagingException e) {
            return new Result(false, cause(e), describe(e));
        }
    }

    /** The Message-ID a notification's mail carries. */
    static String messageId(String messageId, String domain) {
        return "<" + messageId + "@" + domain + ">";
    }

    private MimeMessage message(NotificationPayload payload, List<InternetAddress> to) throws MessagingException {
        String id = messageId(payload.messageId(), messageIdDomain);
        MimeMessage message = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", id); // ours, stable across re-sends, instead of a random one
            }
        };
        message.setFrom(from);
        message.setRecipients(Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
        message.setSubject(payload.subject(), StandardCharsets.UTF_8.name());
        message.setText(payload.bodyText(), StandardCharsets.UTF_8.name());
        message.setSentDate(Date.from(clock.instant()));
        message.setHeader(MESSAGE_ID_HEADER, payload.messageId());
        message.setHeader(SEVERITY_HEADER, payload.severity());
        if (payload.routingKey() != null) {
            message.setHeader(ROUTING_KEY_HEADER, payload.routingKey());
        }
        message.saveChanges();
        return message;
    }

    /** A short stable code for metrics: SMTP_AUTH, SMTP_<reply code>, CONNECTION, TIMEOUT, TLS, SMTP. */
    private static String cause(MessagingException e) {
        if (e instanceof AuthenticationFailedException) {
            return "SMTP_AUTH";
        }
        if (e instanceof SMTPSendFailedException s) {
            return "SMTP_" + s.getReturnCode();
        }
        if (e instanceof SMTPAddressFailedException s) {
            return "SMTP_" + s.getReturnCode();
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return "TIMEOUT";
            }
            if (t instanceof MailConnectException) {
                return "CONNECTION";
            }
            if (t instanceof SSLException) {
                return "TLS";
            }
        }
        for (Exception next = e.getNextException(); next != null;
             next = next instanceof MessagingException m ? m.getNextException() : null) {
            if (next instanceof SMTPAddressFailedException s) {
                return "SMTP_" + s.getReturnCode();
            }
        }
        return "SMTP";
    }

    /** The error and its causes in one line (server answers and socket errors; the password is in none of them). */
    private static String describe(@Nullable Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null && b.length() < 500; t = t.getCause()) {
            if (!b.isEmpty()) {
                b.append(" <- ");
            }
            b.append(t.getClass().getSimpleName()).append(": ").append(String.valueOf(t.getMessage()).strip());
        }
        return b.toString();
    }

    /** Where mails go, for the start-up line: no password. */
    @Override
    public String toString() {
        return smtp.toString();
    }
}
