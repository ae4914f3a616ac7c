package com.gds.alerting.service.shadow;

import java.time.Instant;
import java.util.List;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import com.gds.alerting.topologies.shadow.FiringEpisode;
import com.gds.alerting.topologies.shadow.ShadowDiff;

/**
 * The answer of {@code GET /api/v1/rules/{id}/shadow-diff}: where a shadow rule and the live rule it
 * shadows fired differently over {@code [from, to)}, per series; only the series that differ are listed.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
public record ShadowDiffView(String shadowRuleId, String liveRuleId, Instant from, Instant to, boolean identical,
                             int seriesCompared, int agreeing, int onlyShadow, int onlyLive, int differentTimes,
                             int differentSeverity, int shadowTransitions, int liveTransitions, long undecodable,
                             List<SeriesView> series) {

    /** One series (alert key without the rule id) and its differences in time order. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record SeriesView(String series, @Nullable String instanceId, @Nullable String metricName,
                             List<DifferenceView> differences) {
    }

    /** One difference; deltas are shadow minus live in milliseconds (positive: the shadow was later). */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record DifferenceView(String kind, @Nullable EpisodeView shadow, @Nullable EpisodeView live,
                                 @Nullable Long firedDeltaMs, @Nullable Long resolvedDeltaMs) {
    }

    /** A firing episode; {@code fired_at} null: before {@code from}; {@code resolved_at} null: still firing at {@code to}. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record EpisodeView(long incident, @Nullable Instant firedAt, @Nullable Instant resolvedAt, String severity) {

        static EpisodeView of(FiringEpisode e) {
            return e == null ? null : new EpisodeView(e.incident(), e.firedAt(), e.resolvedAt(), e.severity().name());
        }
    }

    static ShadowDiffView of(String shadowRuleId, String liveRuleId, Instant from, Instant to, ShadowDiff.Report report,
                             TransitionRangeReader.Read shadow, TransitionRangeReader.Read live) {
        List<SeriesView> series = report.series().stream().map(s -> new SeriesView(s.series(), s.instanceId(), s.metricName(),
                s.differences().stream().map(d -> new DifferenceView(d.kind().name(), EpisodeView.of(d.shadow()),
                        EpisodeView.of(d.live()), d.firedDelta() == null ? null : d.firedDelta().toMillis(),
                        d.resolvedDelta() == null ? null : d.resolvedDelta().toMillis())).toList())).toList();
        return new ShadowDiffView(shadowRuleId, liveRuleId, from, to, report.identical(), report.seriesCompared(),
                report.agreeing(), report.counts().get(ShadowDiff.Kind.ONLY_SHADOW), report.counts().get(ShadowDiff.Kind.ONLY_LIVE),
                report.counts().get(ShadowDiff.Kind.DIFFERENT_TIMES), report.counts().get(ShadowDiff.Kind.DIFFERENT_SEVERITY),
                shadow.events().size(), live.events().size(), shadow.undecodable() + live.undecodable(), series);
    }
}
