package com.gds.alerting.service.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.format.MapFormat;
import io.micronaut.core.naming.conventions.StringConvention;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * {@code gds.dispatcher.fallback.*}: the e-mail fallback for notifications gds_notification does
 * not take in time (README, "E-mail fallback"). Off by default. {@link #validate()} runs at start
 * and names the key that is wrong. The SMTP password is never part of a log line or of
 * {@link #toString()}.
 */
@ConfigurationProperties("gds.dispatcher.fallback")
public class FallbackSettings {

    static final String PREFIX = "gds.dispatcher.fallback.";
    /** Severity names as rules write them (P0–P3). */
    static final Set<String> SEVERITIES = Set.of("critical", "high", "warning", "info");
    /** RFC 5322 dot-atom: what may stand on the right of the {@code @} of a Message-ID. */
    private static final Pattern DOT_ATOM = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");

    /** How the SMTP connection is protected. */
    public enum Security {
        /** Plain SMTP (a relay on localhost, a test server). */
        NONE,
        /** SMTP upgraded with STARTTLS, which is then required (usually port 587). */
        STARTTLS,
        /** SMTP inside TLS from the first byte (SMTPS, usually port 465). */
        SMTPS
    }

    private boolean enabled;
    /**
     * How long a notification may fail to reach gds_notification (from its first failed attempt)
     * before it is mailed.
     */
    private Duration after = Duration.ofMinutes(2);
    /** Mail at once while the circuit to gds_notification is open or half-open, without waiting {@code after}. */
    private boolean onCircuitOpen = true;
    /** The severities mailed. */
    private List<String> severities = List.of("critical", "high");
    /** The sender ({@code From}). */
    @Nullable
    private String from;
    /** Recipients when neither the routing key nor the severity has its own. */
    private List<String> to = new ArrayList<>();
    /** Recipients per routing key (comma-separated addresses); they win over the severity's and the default. */
    private Map<String, String> toByRoutingKey = new HashMap<>();
    /** Recipients per severity name (comma-separated addresses); they win over the default. */
    private Map<String, String> toBySeverity = new HashMap<>();
    /** The right-hand side of the Message-ID: {@code <message_id@message-id-domain>}. */
    private String messageIdDomain = "gds-alerting";
    /** Mail attempts that failed are retried after this, doubling up to {@code max-backoff}. */
    private Duration initialBackoff = Duration.ofSeconds(5);
    private Duration maxBackoff = Duration.ofMinutes(5);
    /** How often the waiting notifications are looked at (pacing only; times are measured on the clock). */
    private Duration checkInterval = Duration.ofSeconds(1);
    /** The compacted topic recording which {@code message_id}s were mailed, so no restart mails one twice. */
    private String topic = "gds.notifications.fallback";
    /** How long the record of a mail is kept (topic retention and memory). */
    private Duration recordRetention = Duration.ofDays(7);
    /** How long the dispatcher waits at start to read the record topic to its end. */
    private Duration recordLoadTimeout = Duration.ofMinutes(1);
    private Smtp smtp = new Smtp();

    /** {@code gds.dispatcher.fallback.smtp.*}: the mail server. */
    @ConfigurationProperties("smtp")
    public static class Smtp {
        @Nullable
        private String host;
        private int port = 587;
        private Security security = Security.STARTTLS;
        @Nullable
        private String username;
        @Nullable
        private String password;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration timeout = Duration.ofSeconds(30);
        /** Passed to Jakarta Mail as they are ({@code mail.smtp.ssl.trust}, {@code mail.smtp.ssl.protocols}, ...). */
        private Map<String, String> properties = new HashMap<>();

        @Nullable
        public String getHost() {
            return host;
        }

        public void setHost(@Nullable String host) {
            this.host = host;
        }

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public Security getSecurity() {
            return security;
        }

        public void setSecurity(Security security) {
            this.security = security;
        }

        @Nullable
        public String getUsername() {
            return username;
        }

        public void setUsername(@Nullable String username) {
            this.username = username;
        }

        @Nullable
        public String getPassword() {
            return password;
        }

        public void setPassword(@Nullable String password) {
            this.password = password;
        }

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public Map<String, String> getProperties() {
            return properties;
        }

        public void setProperties(@MapFormat(keyFormat = StringConvention.RAW, transformation = MapFormat.MapTransformation.FLAT)
                                  Map<String, String> properties) {
            this.properties = properties;
        }

        /** Where and how, never the password. */
        @Override
        public String toString() {
            return security.name().toLowerCase(Locale.ROOT) + "://" + (username == null ? "" : username + "@") + host + ":" + port;
        }
    }

    /**
     * Checks the settings when the fallback is enabled.
     *
     * @throws ConfigurationException naming the first key that is wrong, and why
     */
    public void validate() {
        if (!enabled) {
            return;
        }
        require(smtp.host != null && !smtp.host.isBlank(), "smtp.host", "required when the fallback is enabled");
        require(smtp.port >= 1 && smtp.port <= 65535, "smtp.port", "must be 1..65535, was " + smtp.port);
        require(smtp.security != null, "smtp.security", "one of none, starttls, smtps");
        require((smtp.username == null) == (smtp.password == null), smtp.username == null ? "smtp.username" : "smtp.password",
                "smtp.username and smtp.password go together");
        require(positive(smtp.connectTimeout), "smtp.connect-timeout", "must be positive");
        require(positive(smtp.timeout), "smtp.timeout", "must be positive");
        require(from != null && !from.isBlank(), "from", "required when the fallback is enabled");
        address("from", from);
        require(!to.isEmpty() || !toByRoutingKey.isEmpty() || !toBySeverity.isEmpty(), "to",
                "the fallback is enabled without recipients: set to, to-by-routing-key or to-by-severity");
        for (String a : to) {
            address("to", a);
        }
        toByRoutingKey.forEach((key, list) -> addresses("to-by-routing-key." + key, list));
        toBySeverity.forEach((severity, list) -> {
            require(SEVERITIES.contains(severity), "to-by-severity." + severity, "not a severity: one of " + SEVERITIES);
            addresses("to-by-severity." + severity, list);
        });
        require(!severities.isEmpty(), "severities", "at least one severity");
        for (String s : severities) {
            require(SEVERITIES.contains(s), "severities", "'" + s + "' is not a severity: one of " + SEVERITIES);
        }
        require(after != null && !after.isNegative(), "after", "must not be negative");
        require(positive(initialBackoff), "initial-backoff", "must be positive");
        require(maxBackoff != null && maxBackoff.compareTo(initialBackoff) >= 0, "max-backoff", "must be at least initial-backoff");
        require(positive(checkInterval), "check-interval", "must be positive");
        require(topic != null && !topic.isBlank() && !topic.matches("gds\\.metrics\\..+"), "topic",
                "required, and not a gds.metrics.* name (the topology subscribes to that pattern)");
        require(positive(recordRetention), "record-retention", "must be positive");
        require(positive(recordLoadTimeout), "record-load-timeout", "must be positive");
        require(messageIdDomain != null && DOT_ATOM.matcher(messageIdDomain).matches(), "message-id-domain",
                "must be an RFC 5322 dot-atom (e.g. gds-alerting or alerts.example.com)");
    }

    /** The recipients of a notification: its routing key's, else its severity's, else the default; maybe empty. */
    List<InternetAddress> recipients(@Nullable String routingKey, String severity) {
        String list = routingKey == null ? null : toByRoutingKey.get(routingKey);
        if (list == null) {
            list = toBySeverity.get(severity);
        }
        if (list != null) {
            return parse(list);
        }
        return parse(String.join(",", to));
    }

    private static List<InternetAddress> parse(String list) {
        try {
            return List.of(InternetAddress.parse(list, true));
        } catch (AddressException e) {
            throw new IllegalStateException("validated at start", e);
        }
    }

    private static void addresses(String key, String list) {
        require(list != null && !list.isBlank(), key, "no address");
        try {
            InternetAddress.parse(list, true);
        } catch (AddressException e) {
            throw new ConfigurationException(PREFIX + key + ": not an e-mail address list (" + e.getMessage() + ")");
        }
    }

    private static void address(String key, String value) {
        try {
            new InternetAddress(value, true);
        } catch (AddressException e) {
            throw new ConfigurationException(PREFIX + key + ": not an e-mail address (" + e.getMessage() + ")");
        }
    }

    private static boolean positive(@Nullable Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, String key, String why) {
        if (!ok) {
            throw new ConfigurationException(PREFIX + key + ": " + why);
        }
    }

    /** What the start-up log line says: no password. */
    @Override
    public String toString() {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("smtp", smtp);
        shown.put("from", from);
        shown.put("severities", severities);
        shown.put("after", after);
        shown.put("on-circuit-open", onCircuitOpen);
        shown.put("topic", topic);
        return shown.toString();
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getAfter() {
        return after;
    }

    public void setAfter(Duration after) {
        this.after = after;
    }

    public boolean isOnCircuitOpen() {
        return onCircuitOpen;
    }

    public void setOnCircuitOpen(boolean onCircuitOpen) {
        this.onCircuitOpen = onCircuitOpen;
    }

    public List<String> getSeverities() {
        return severities;
    }

    public void setSeverities(List<String> severities) {
        this.severities = severities.stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).toList();
    }

    @Nullable
    public String getFrom() {
        return from;
    }

    public void setFrom(@Nullable String from) {
        this.from = from;
    }

    public List<String> getTo() {
        return to;
    }

    public void setTo(List<String> to) {
        this.to = to.stream().map(String::strip).filter(a -> !a.isEmpty()).toList();
    }

    public Map<String, String> getToByRoutingKey() {
        return toByRoutingKey;
    }

    public void setToByRoutingKey(@MapFormat(keyFormat = StringConvention.RAW, transformation = MapFormat.MapTransformation.FLAT)
                                  Map<String, String> toByRoutingKey) {
        this.toByRoutingKey = toByRoutingKey;
    }

    public Map<String, String> getToBySeverity() {
        return toBySeverity;
    }

    public void setToBySeverity(@MapFormat(keyFormat = StringConvention.RAW, transformation = MapFormat.MapTransformation.FLAT)
                                Map<String, String> toBySeverity) {
        this.toBySeverity = toBySeverity;
    }

    public String getMessageIdDomain() {
        return messageIdDomain;
    }

    public void setMessageIdDomain(String messageIdDomain) {
        this.messageIdDomain = messageIdDomain;
    }

    public Duration getInitialBackoff() {
        return initialBackoff;
    }

    public void setInitialBackoff(Duration initialBackoff) {
        this.initialBackoff = initialBackoff;
    }

    public Duration getMaxBackoff() {
        return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
        this.maxBackoff = maxBackoff;
    }

    public Duration getCheckInterval() {
        return checkInterval;
    }

    public void setCheckInterval(Duration checkInterval) {
        this.checkInterval = checkInterval;
    }

    public String getTopic() {
        return topic;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public Duration getRecordRetention() {
        return recordRetention;
    }

    public void setRecordRetention(Duration recordRetention) {
        this.recordRetention = recordRetention;
    }

    public Duration getRecordLoadTimeout() {
        return recordLoadTimeout;
    }

    public void setRecordLoadTimeout(Duration recordLoadTimeout) {
        this.recordLoadTimeout = recordLoadTimeout;
    }

    public Smtp getSmtp() {
        return smtp;
    }

    public void setSmtp(Smtp smtp) {
        this.smtp = smtp;
    }
}
