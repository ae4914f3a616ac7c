// One alert: its value history with its transitions marked, every transition, the rule and runbook, and the
// actions someone on call takes (acknowledge, resolve, silence, maintenance mode).
import { api, explain } from '../api.js';
import { h, replace, setText, ago, number, badge, time, duration } from '../dom.js';
import { sparkline } from '../charts.js';

const RANGES = [15, 60, 360, 1440];
const VALUES_EVERY = 6; // ticks between two reads of the value history (it is read back from Kafka)
// Transitions the dispatcher never sends (NotifyPolicy): their message id names no notification.
const NOT_NOTIFIED = new Set(['PENDING', 'ACKNOWLEDGED', 'UNACKNOWLEDGED']);

export function mount(container, route, ctx) {
  const key = route.path.slice(1).join('/');
  let minutes = Number(route.params.get('minutes')) || 60;
  let alert = null;
  let transitionsSeen = [];
  let series = null;
  let ticks = 0;
  let chartSig = null;
  let rule = undefined; // the alert's rule (undefined: not read yet; null: not readable)
  let burnTrail = []; // an SLO alert's burn rate as seen by this page: [{t, v}]

  const title = h('h1#alert-title', key);
  const badges = h('div.badges');
  const summaryText = h('p#alert-summary.lead');
  const explainText = h('p#alert-explain.explain');
  const facts = h('dl#alert-facts.facts');
  const labels = h('div.labels');
  const description = h('p.description');
  const chart = h('div#value-chart.chart-box', h('p.muted', 'loading the value history…'));
  const chartHeading = h('h2#chart-h', 'Value');
  const rangeButtons = h('div.range', { role: 'group', 'aria-label': 'Time range' },
    RANGES.map(m => h('button', { type: 'button', dataset: { minutes: m }, 'aria-pressed': String(m === minutes),
      onclick: () => { minutes = m; syncRange(); ctx.setParams({ minutes: m }, true); loadValues(); } },
    m < 60 ? `${m}m` : `${m / 60}h`)));
  const transitions = h('tbody');
  const by = h('input#ack-by', { type: 'text', required: true, maxlength: 200, 'aria-label': 'Your name', value: ctx.by() });
  const comment = h('textarea#ack-comment', { rows: 2, maxlength: 4000, 'aria-label': 'Comment', placeholder: 'what you are doing about it' });
  const ackButton = h('button#ack-button', { type: 'button', onclick: () => act('ack') }, 'Acknowledge');
  const resolveButton = h('button#resolve-button', { type: 'button', onclick: () => act('resolve') }, 'Resolve');
  const silenceLink = h('a#silence-link.button', { href: ctx.href(['silences', 'new'], { alert: key }) }, 'Silence…');
  const maintenanceLink = h('a#maintenance-link.button');
  const result = h('p#action-result.result', { role: 'status' });
  const rightsNote = h('p.muted');

  replace(container,
    h('p.back', h('a', { href: '#/alerts' }, '← all alerts')),
    h('header.alert-head', title, badges, summaryText, explainText),
    h('div.detail-grid',
      h('section.panel.chart-panel', { 'aria-labelledby': 'chart-h' },
        h('div.panel-head', chartHeading, rangeButtons), chart),
      h('section.panel.actions', { 'aria-labelledby': 'actions-h' },
        h('h2#actions-h', 'Actions'),
        h('label', { for: 'ack-by' }, 'By'), by,
        h('label', { for: 'ack-comment' }, 'Comment'), comment,
        h('div.buttons', ackButton, resolveButton, silenceLink, maintenanceLink),
        rightsNote, result),
      h('section.panel.facts-panel', { 'aria-labelledby': 'facts-h' }, h('h2#facts-h', 'Details'), facts, labels, description)),
    h('section.panel', { 'aria-labelledby': 'transitions-h' },
      h('h2#transitions-h', 'Transitions'),
      h('div.tablewrap', h('table#transitions.transitions',
        h('thead', h('tr', ['When', 'Transition', 'State', 'Severity', 'Value', 'Threshold', 'Reason', 'By / comment', 'Notification'].map(c => h('th', { scope: 'col' }, c)))),
        transitions))));

  function syncRange() {
    for (const b of rangeButtons.children) b.setAttribute('aria-pressed', String(Number(b.dataset.minutes) === minutes));
  }

  async function act(kind) {
    if (!alert) return;
    if (!by.value.trim()) { by.focus(); setText(result, 'Say who you are first.'); return; }
    ctx.rememberBy(by.value.trim());
    const body = { by: by.value.trim(), comment: comment.value.trim() || null, incident: alert.incident };
    const verb = kind === 'ack' ? 'Acknowledge' : 'Resolve';
    ackButton.disabled = resolveButton.disabled = true;
    try {
      const answer = await (kind === 'ack' ? api.ack(key, body) : api.resolve(key, body));
      result.className = 'result ok';
      // 200: the topology applied it; 202: Kafka has it, the verdict did not come in time (409 is an error below).
      setText(result, answer.outcome === 'APPLIED'
        ? `${verb}d (command ${answer.command_id}): the alert is now ${String(answer.state).toLowerCase()}.`
        : `${verb} sent (command ${answer.command_id}); the state changes as soon as the topology applies it.`);
      comment.value = '';
      ctx.refreshNow();
    } catch (e) {
      result.className = 'result error';
      setText(result, explain(e, verb));
      syncButtons();
    }
  }

  function syncButtons() {
    const canWrite = ctx.can('write');
    ackButton.disabled = !canWrite || !alert || !['FIRING', 'PENDING'].includes(alert.state);
    resolveButton.disabled = !canWrite || !alert || alert.state === 'RESOLVED';
    setText(rightsNote, canWrite ? '' : 'Your token can read only: acknowledging, resolving and silencing need the "write" right.');
    if (alert) {
      maintenanceLink.setAttribute('href', ctx.href(['silences', 'new'], { instance_id: alert.instance_id, maintenance: 1 }));
      setText(maintenanceLink, `Maintenance mode for ${alert.instance_id}…`);
    }
  }

  function fact(name, value) {
    return value === null || value === undefined || value === '' ? [] : [h('dt', name), h('dd', value)];
  }

  // Redrawn only when the alert changed, so a live refresh keeps keyboard focus and a text selection;
  // in between, only the relative times move.
  let alertSig = null;
  let agoSpans = [];
  function since(iso) {
    const span = h('span', `(${ago(iso)} ago)`);
    agoSpans.push([span, iso]);
    return [`${time(iso)} `, span];
  }

  function renderAlert(a) {
    alert = a;
    const sig = JSON.stringify(a);
    if (sig === alertSig) {
      const now = Date.now();
      for (const [span, iso] of agoSpans) setText(span, `(${ago(iso, now)} ago)`);
      syncButtons();
      return;
    }
    alertSig = sig;
    agoSpans = [];
    setText(title, `${a.rule_id} · ${a.instance_id}`);
    replace(badges, badge('sev', a.severity), ' ', h('span#alert-state', badge('state', a.state)),
      a.escalated ? h('span.badge.escalated', 'escalated') : null, a.stale ? h('span.badge', { title: 'read from a standby replica' }, 'stale') : null,
      a.suppressed_by ? h('span#alert-suppressed.badge.quiet', { title: `its newest notification was suppressed by ${a.suppressed_by}` },
        a.suppressed_by.startsWith('silence:') ? 'silenced' : 'inhibited') : null);
    // The summary was rendered at the last transition; the facts show the newest evaluation.
    replace(summaryText, a.summary ? [h('span.summary-when.muted', `At the last transition (${time(a.updated_at)}): `),
      h('span.summary-text', a.summary)] : []);
    renderExplanation(a);
    replace(facts,
      fact('Alert key', h('code', a.alert_key)),
      fact('Rule', h('a', { href: ctx.href('rules', { id: a.rule_id }) }, a.rule_id)),
      fact('Instance', h('a', { href: ctx.href('alerts', { instance_id: a.instance_id }), title: 'every alert of this instance' }, a.instance_id)),
      fact('Metric', a.metric_name),
      fact('Database', [a.database_type, a.environment].filter(Boolean).join(' / ')),
      ...currentFacts(a),
      !isAnomaly() && !isForecast() && fact(isSlo() ? 'Current burn rate' : 'Current value', `${number(a.value)}${isSlo() ? '×' : ''}`
        + `${a.threshold !== null && a.threshold !== undefined ? ` (threshold ${number(a.threshold)}${isSlo() ? '×' : ''})` : ''}`
        + (a.last_sample_at ? ` · as of ${time(a.last_sample_at)}` : '')),
      fact('Incident', `#${a.incident}`),
      fact('Started', since(a.started_at)),
      fact('Fired', a.fired_at && since(a.fired_at)),
      fact('Changed', since(a.updated_at)),
      fact('Acknowledged', a.acknowledged_by && `by ${a.acknowledged_by}${a.acknowledged_at ? ` at ${time(a.acknowledged_at)}` : ''}${a.ack_comment ? `: “${a.ack_comment}”` : ''}`),
      fact('Resolved', a.resolved_by && `by ${a.resolved_by}${a.resolve_comment ? `: “${a.resolve_comment}”` : ''}`),
      fact('Reminders', a.reminders ? String(a.reminders) : null),
      fact('Routing key', a.routing_key),
      fact('Notifications', a.suppressed_by && (a.suppressed_by.startsWith('silence:')
        ? ['suppressed by ', h('a', { href: ctx.href('silences') }, a.suppressed_by)]
        : `suppressed: ${a.suppressed_by}`)),
      fact('Runbook', a.runbook_url && (/^https?:\/\//i.test(a.runbook_url)
        ? h('a#runbook-link', { href: a.runbook_url, target: '_blank', rel: 'noopener noreferrer' }, a.runbook_url)
        : h('span#runbook-link', a.runbook_url))));
    replace(labels, Object.entries(a.labels || {}).sort().map(([k, v]) => h('span.label', `${k}=${v}`)));
    setText(description, a.description || '');
    syncButtons();
  }

  let historySig = null;
  function renderHistory(events) {
    transitionsSeen = events;
    const sig = JSON.stringify(events);
    if (sig === historySig) return;
    historySig = sig;
    replace(transitions, [...events].reverse().map(e => h('tr',
      h('td.num', { title: e.updated_at }, time(e.updated_at)),
      h('td', e.transition.toLowerCase().replaceAll('_', ' ') + (e.number ? ` #${e.number}` : '')),
      h('td', e.previous_state ? `${e.previous_state.toLowerCase()} → ` : '', badge('state', e.state)),
      h('td', badge('sev', e.severity)),
      h('td.num', number(e.value)),
      h('td.num', number(e.threshold)),
      h('td', (e.reason || '').toLowerCase().replaceAll('_', ' ')),
      h('td', [e.acknowledged_by || e.resolved_by, e.ack_comment || e.resolve_comment].filter(Boolean).join(': ')),
      h('td.notification', e.suppressed_by ? h('span.muted', { title: `suppressed by ${e.suppressed_by}` }, `suppressed (${e.suppressed_by})`)
        : NOT_NOTIFIED.has(e.transition) ? h('span.muted.not-sent', { title: 'this transition is never sent to gds_notification' }, 'not sent')
          : h('code.muted', { title: 'message_id' }, e.message_id.slice(0, 12))))));
    if (!events.length) transitions.append(h('tr', h('td', { colspan: 9 }, 'No transitions yet.')));
  }

  function markers() {
    return transitionsSeen.map(e => ({ t: e.updated_at, label: `${e.transition.toLowerCase()} → ${e.state.toLowerCase()}`, kind: e.state }));
  }

  function isSlo() {
    return !!(rule && rule.kind === 'SLO');
  }

  // An anomaly alert's value is its deviation in σ and its threshold the rule's bounds; a forecast alert's value
  // is the seconds to the predicted crossing and its threshold the horizon (docs/semantics.md). Neither is on the
  // scale of the metric the chart draws.
  function isAnomaly() {
    return !!(rule && rule.kind === 'ANOMALY') || (!rule && isNum(alert && alert.band_lower));
  }

  function isForecast() {
    return !!(rule && rule.kind === 'FORECAST') || (!rule && !!(alert && alert.predicted_crossing_at));
  }

  function isNum(v) {
    return typeof v === 'number' && Number.isFinite(v);
  }

  /** Why the newest evaluation decided what it did: the expected value, the band and the deviation, or the crossing. */
  function renderExplanation(a) {
    if (isNum(a.expected) && isNum(a.band_lower) && isNum(a.band_upper)) {
      const dev = a.deviation_sigma;
      const side = !isNum(dev) ? '' : dev > 0 ? 'above' : dev < 0 ? 'below' : 'at';
      replace(explainText,
        h('span.muted', 'Newest evaluation: '),
        'expected ', h('span.expected', { dataset: { value: String(a.expected) } }, number(a.expected)),
        ', normal band ', h('span.band', { dataset: { lower: String(a.band_lower), upper: String(a.band_upper) } },
          `${number(a.band_lower)} – ${number(a.band_upper)}`),
        isNum(dev) ? ['; the value is ', h('span.deviation', { dataset: { value: String(dev) } },
          `${dev > 0 ? '+' : ''}${number(dev)}σ`), ` ${side} the expected value`] : [],
        isAnomaly() && isNum(a.threshold) ? ` (alerts beyond ${number(a.threshold)}σ)` : '', '.');
      explainText.dataset.kind = 'anomaly';
    } else if (a.predicted_crossing_at) {
      const at = Date.parse(a.predicted_crossing_at);
      const limit = forecastLimit();
      replace(explainText,
        h('span.muted', 'Newest evaluation: '),
        `the trend crosses ${limit === null ? 'the limit' : `the limit ${number(limit)}`} at `,
        h('time.crossing', { datetime: a.predicted_crossing_at }, time(a.predicted_crossing_at)),
        at > Date.now() ? ` (in ${duration(at - Date.now())})` : ' (already past)',
        isNum(a.expected) ? ['; the trend line is at ', h('span.expected', { dataset: { value: String(a.expected) } }, number(a.expected)), ' now'] : [],
        isForecast() && isNum(a.threshold) ? ` (alerts within ${duration(a.threshold * 1000)})` : '', '.');
      explainText.dataset.kind = 'forecast';
    } else {
      replace(explainText, isAnomaly() ? h('span.muted', 'No band yet: the rule is still learning this series\' normal.') : []);
      delete explainText.dataset.kind;
    }
  }

  /** The facts that replace "Current value" for anomaly and forecast alerts. */
  function currentFacts(a) {
    const asOf = a.last_sample_at ? ` · as of ${time(a.last_sample_at)}` : '';
    if (isAnomaly()) {
      return [fact('Deviation', isNum(a.value) ? `${number(a.value)}σ${isNum(a.threshold) ? ` (bounds ${number(a.threshold)}σ)` : ''}${asOf}` : null),
        fact('Expected', isNum(a.expected) ? number(a.expected) : null),
        fact('Band', isNum(a.band_lower) && isNum(a.band_upper) ? `${number(a.band_lower)} – ${number(a.band_upper)}` : null)];
    }
    if (isForecast()) {
      return [fact('Predicted crossing', a.predicted_crossing_at ? `${time(a.predicted_crossing_at)}${asOf}` : null),
        fact('Trend line now', isNum(a.expected) ? number(a.expected) : null),
        fact('Horizon', isNum(a.threshold) ? duration(a.threshold * 1000) : null)];
    }
    return [];
  }

  function forecastLimit() {
    return rule && rule.forecast && isNum(rule.forecast.limit) ? rule.forecast.limit : null;
  }

  /** What the value chart draws as its threshold and band, on the metric's own scale. */
  function chartGuides(samples) {
    if (isAnomaly()) {
      // The band is in the metric's units; the transitions' values (the fallback) are deviations in σ.
      const band = samples && alert && isNum(alert.band_lower) && isNum(alert.band_upper)
        ? { lower: alert.band_lower, upper: alert.band_upper, expected: alert.expected } : null;
      return { threshold: null, band };
    }
    if (isForecast()) return { threshold: samples ? forecastLimit() : null, band: null };
    return { threshold: alert ? alert.threshold : null, band: null };
  }

  /**
   * An SLO alert's value is a burn rate, and its threshold a burn rate: its chart plots the burn rate (the
   * values its transitions carried, then what this page saw on each refresh), never the SLI's metric.
   */
  function renderBurnChart() {
    const points = transitionsSeen.filter(e => e.value !== null && e.value !== undefined).map(e => ({ t: e.updated_at, v: e.value }))
      .concat(burnTrail).sort((p, q) => Date.parse(p.t) - Date.parse(q.t));
    const sig = JSON.stringify(['burn', points, alert && alert.threshold]);
    if (sig === chartSig) return;
    chartSig = sig;
    setText(chartHeading, 'Burn rate');
    rangeButtons.hidden = true;
    if (!points.length) {
      replace(chart, h('p.muted', 'No burn rate to show yet.'));
      return;
    }
    replace(chart, sparkline(points, { threshold: alert ? alert.threshold : null, markers: markers(), label: 'burn rate', gaps: false }),
      h('p.muted.small', 'Burn rate of the alerting window at each transition and since this page opened; ',
        h('a', { href: ctx.href(['slo', alert.rule_id, alert.instance_id]) }, 'every window on the SLO page'), '.'));
  }

  function renderChart() {
    if (isSlo()) { renderBurnChart(); return; }
    // Redrawn only when something it shows changed: a live refresh must not flash the chart.
    const sig = JSON.stringify([series, transitionsSeen.length, alert && alert.threshold, alert && alert.band_lower,
      alert && alert.band_upper, alert && alert.expected, rule && rule.kind]);
    if (sig === chartSig) return;
    chartSig = sig;
    let points = series && series.points.length ? series.points : null;
    let note = null;
    if (!points) {
      // No samples read back (no metrics topic for it, or none in the range): the values the transitions carried.
      points = transitionsSeen.filter(e => e.value !== null && e.value !== undefined).map(e => ({ t: e.updated_at, v: e.value }));
      note = series && series.reason ? `No samples: ${series.reason}. Showing the values of its transitions.`
        : 'No samples in this range; showing the values of its transitions.';
    } else if (series.truncated) {
      note = `Only the newest records of ${series.topic} were read (${series.scanned}); older samples may be missing.`;
    }
    if (!points.length) {
      replace(chart, h('p.muted', 'No values to show yet.'));
      return;
    }
    const from = series && series.points.length ? series.from : null;
    const to = series && series.points.length ? series.to : null;
    const guides = chartGuides(!!(series && series.points.length));
    replace(chart, sparkline(points, { ...guides, markers: markers(), from, to, label: alert ? alert.metric_name : 'value' }),
      guides.band ? h('p.muted.small.band-note', 'The shaded area is the normal band of the newest evaluation.') : null,
      note ? h('p.muted.small', note) : null);
  }

  async function loadValues(signal) {
    try {
      series = await api.values(key, minutes, signal);
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      series = { points: [], reason: explain(e) };
    }
    renderChart();
  }

  async function refresh(signal) {
    const [a, events] = await Promise.all([api.alert(key, signal), api.history(key, signal).catch(e => {
      if (e.status === 404) return [];
      throw e;
    })]);
    if (rule === undefined) {
      // Needed once, to know whether the value is a burn rate; a rule that cannot be read is charted as a metric.
      rule = await api.rule(a.rule_id, signal).catch(e => {
        if (e.name === 'AbortError') throw e;
        return null;
      });
    }
    if (isSlo() && a.value !== null && a.value !== undefined && a.last_sample_at
      && !burnTrail.some(p => p.t === a.last_sample_at)) {
      burnTrail.push({ t: a.last_sample_at, v: a.value });
      if (burnTrail.length > 2000) burnTrail = burnTrail.slice(-2000);
    }
    renderAlert(a);
    renderHistory(events);
    if (isSlo()) renderChart();
    else if (ticks++ % VALUES_EVERY === 0) await loadValues(signal); else renderChart();
  }

  function onKey(e) {
    // a and r only move to the button (Enter confirms): one stray key must not acknowledge anything.
    if (e.key === 'a' && !ackButton.disabled) { e.preventDefault(); ackButton.focus(); }
    else if (e.key === 'r' && !resolveButton.disabled) { e.preventDefault(); resolveButton.focus(); }
    else if (e.key === 's') { e.preventDefault(); location.hash = silenceLink.getAttribute('href'); }
  }

  syncButtons();
  return { refresh, onKey, update(r) { minutes = Number(r.params.get('minutes')) || minutes; syncRange(); } };
}
