// Small SVG charts: an alert's value sparkline, an SLO's burn rate per window, an error-budget bar.
import { h, number, percent, time, windowName, duration } from './dom.js';

const W = 600, H = 120;

/**
 * Where a series has no data: the indexes i at which the step from point i-1 to point i is longer than
 * GAP_FACTOR times the series' usual step (the median one), so the line breaks there instead of drawing a
 * straight line across the missing samples.
 */
const GAP_FACTOR = 3;
export function gapStarts(ts) {
  const steps = [];
  for (let i = 1; i < ts.length; i++) if (ts[i] > ts[i - 1]) steps.push(ts[i] - ts[i - 1]);
  if (steps.length < 2) return new Set();
  const sorted = [...steps].sort((a, b) => a - b);
  const usual = sorted[Math.floor(sorted.length / 2)];
  const starts = new Set();
  for (let i = 1; i < ts.length; i++) if (ts[i] - ts[i - 1] > GAP_FACTOR * usual) starts.add(i);
  return starts;
}

/**
 * A value sparkline. points: [{t, v}] oldest first; threshold: a dashed line; markers: [{t, label, kind}]
 * drawn as vertical ticks (the alert's transitions). Scales stretch to the element's width. gaps: break the
 * line where samples are missing (gapStarts); off for series that are sparse by nature. band: an anomaly
 * rule's normal band of the newest evaluation ({lower, upper, expected}), a shaded area across the chart
 * with its edges and the expected value as lines.
 */
export function sparkline(points, { threshold = null, markers = [], from = null, to = null, label = 'value', gaps = true, band = null } = {}) {
  const ts = points.map(p => Date.parse(p.t));
  const t0 = from ? Date.parse(from) : Math.min(...ts);
  const t1 = to ? Date.parse(to) : Math.max(...ts);
  const values = points.map(p => p.v);
  if (threshold !== null && threshold !== undefined) values.push(threshold);
  const hasBand = !!band && Number.isFinite(band.lower) && Number.isFinite(band.upper);
  if (hasBand) values.push(band.lower, band.upper);
  let lo = Math.min(...values), hi = Math.max(...values);
  if (!isFinite(lo)) { lo = 0; hi = 1; }
  if (lo === hi) { lo -= Math.abs(lo) * 0.1 || 1; hi += Math.abs(hi) * 0.1 || 1; }
  const pad = (hi - lo) * 0.08;
  lo -= pad; hi += pad;
  const x = t => (t1 === t0 ? W / 2 : (t - t0) / (t1 - t0) * W);
  const y = v => H - (v - lo) / (hi - lo) * H;
  const breaks = gaps ? gapStarts(ts) : new Set();
  const d = points.map((p, i) => `${i === 0 || breaks.has(i) ? 'M' : 'L'}${x(ts[i]).toFixed(1)},${y(p.v).toFixed(1)}`).join('');
  const svg = h('svg.spark', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img',
    'aria-label': `${label}: ${points.length} samples from ${number(Math.min(...points.map(p => p.v)))} to ${number(Math.max(...points.map(p => p.v)))}` });
  if (hasBand) {
    const top = y(band.upper), bottom = y(band.lower);
    const bandTitle = `normal band ${number(band.lower)} – ${number(band.upper)}`
      + (Number.isFinite(band.expected) ? `, expected ${number(band.expected)}` : '') + ' (newest evaluation)';
    svg.append(h('g.band', { dataset: { lower: String(band.lower), upper: String(band.upper) } },
      h('title', bandTitle),
      h('rect.band-area', { x: 0, width: W, y: Math.min(top, bottom), height: Math.max(0.5, Math.abs(bottom - top)) }),
      h('line.band-edge.band-upper', { x1: 0, x2: W, y1: top, y2: top, 'vector-effect': 'non-scaling-stroke' }),
      h('line.band-edge.band-lower', { x1: 0, x2: W, y1: bottom, y2: bottom, 'vector-effect': 'non-scaling-stroke' }),
      Number.isFinite(band.expected) ? h('line.band-expected', { x1: 0, x2: W, y1: y(band.expected), y2: y(band.expected),
        'vector-effect': 'non-scaling-stroke' }) : null));
  }
  if (threshold !== null && threshold !== undefined) {
    svg.append(h('line.threshold', { x1: 0, x2: W, y1: y(threshold), y2: y(threshold), 'vector-effect': 'non-scaling-stroke' },
      h('title', `threshold ${number(threshold)}`)));
  }
  for (const m of markers) {
    const mx = x(Date.parse(m.t));
    if (mx < 0 || mx > W) continue;
    svg.append(h(`line.marker.marker-${(m.kind || '').toLowerCase()}`, { x1: mx, x2: mx, y1: 0, y2: H, 'vector-effect': 'non-scaling-stroke' },
      h('title', `${time(m.t)} ${m.label}`)));
  }
  svg.append(h('path.line', { d, 'vector-effect': 'non-scaling-stroke', dataset: { gaps: String(breaks.size) } }));
  // A point alone between two gaps (or the only one) has no line to show it: a dot does.
  points.forEach((p, i) => {
    const alone = (i === 0 || breaks.has(i)) && (i === points.length - 1 || breaks.has(i + 1));
    if (alone) svg.append(h('circle.dot', { cx: x(ts[i]), cy: y(p.v), r: 3 }));
  });
  const last = points[points.length - 1];
  return h('figure.chart',
    svg,
    h('figcaption.axis',
      h('span', time(new Date(t0).toISOString())),
      h('span', `min ${number(Math.min(...points.map(p => p.v)))} · max ${number(Math.max(...points.map(p => p.v)))} · last ${number(last.v)}`
        + (threshold !== null && threshold !== undefined ? ` · threshold ${number(threshold)}` : '')
        + (hasBand ? ` · band ${number(band.lower)} – ${number(band.upper)}` : '')
        + (breaks.size ? ` · ${breaks.size} gap${breaks.size > 1 ? 's' : ''} in the data` : '')),
      h('span', time(new Date(t1).toISOString()))));
}

/**
 * Burn rate per window as bars on a log scale (1× = spending the budget exactly over the period), with the
 * rule's alerting rates as ticks. windows: SloView windows; thresholds: Map windowMs -> burn rate.
 */
export function burnChart(windows, thresholds = new Map(), { compact = false } = {}) {
  const bw = compact ? 46 : 90, gap = compact ? 6 : 16, ch = compact ? 40 : 140, top = compact ? 2 : 14, bottom = compact ? 12 : 30;
  const width = windows.length * (bw + gap);
  const max = Math.max(20, ...windows.map(w => w.burn_rate || 0), ...thresholds.values());
  const scale = v => Math.log10(1 + Math.max(0, v)) / Math.log10(1 + max) * ch;
  const svg = h('svg.burn', { viewBox: `0 0 ${width} ${ch + top + bottom}`, role: 'img',
    'aria-label': 'burn rate per window: ' + windows.map(w => `${windowName(w.window_ms)} ${w.burn_rate === null ? 'n/a' : number(w.burn_rate) + '×'}`).join(', ') });
  windows.forEach((w, i) => {
    const x = i * (bw + gap) + gap / 2;
    const v = w.burn_rate;
    const limit = thresholds.get(w.window_ms);
    const hot = v !== null && limit !== undefined && v >= limit;
    const barH = v === null ? 0 : Math.max(1, scale(v));
    svg.append(h(`rect.bar${hot ? '.hot' : v !== null && v >= 1 ? '.warm' : ''}`, { x, y: top + ch - barH, width: bw, height: barH },
      h('title', `${windowName(w.window_ms)}: burn rate ${v === null ? 'not computed yet' : number(v) + '×'}`
        + (limit !== undefined ? ` (alerts at ${number(limit)}×)` : '') + `, SLI ${w.sli === null ? 'n/a' : percent(w.sli, 3)}`
        + `, ${number(w.bad_events)} bad of ${number(w.events)}` + (w.covered_ms < w.window_ms ? `, ${windowName(w.covered_ms)} covered` : ''))));
    if (limit !== undefined) {
      const ly = top + ch - scale(limit);
      svg.append(h('line.limit', { x1: x - 2, x2: x + bw + 2, y1: ly, y2: ly }));
    }
    svg.append(h('text.label', { x: x + bw / 2, y: top + ch + (compact ? 10 : 14), 'text-anchor': 'middle' }, windowName(w.window_ms)));
    if (!compact) {
      svg.append(h('text.value', { x: x + bw / 2, y: top + ch - barH - 3, 'text-anchor': 'middle' }, v === null ? 'n/a' : `${number(v)}×`));
      if (w.covered_ms < w.window_ms) {
        svg.append(h('text.note', { x: x + bw / 2, y: top + ch + 27, 'text-anchor': 'middle' }, `${windowName(w.covered_ms)} in`));
      }
    }
  });
  svg.style.width = `${compact ? width : Math.max(width, 300)}px`;
  if (!compact) return svg;
  const worst = windows.filter(w => w.burn_rate !== null).sort((a, b) => b.burn_rate - a.burn_rate)[0];
  return h('span.burn-compact', svg, h('span.burn-max', worst ? `max ${number(worst.burn_rate)}× (${windowName(worst.window_ms)})` : 'n/a'));
}

/**
 * An SLO's error budget left. Over a full period: the topology's figure (1 − the period's burn rate).
 * Over a partly filled one that figure treats a few minutes as the whole period (one failure in the first
 * minute reads "exhausted (−99900%)"), so instead: "not enough history (x of y)", and the share of the
 * period's budget that what happened so far has spent, labelled "so far".
 */
export function sloBudget(s) {
  const period = (s.windows || []).find(w => w.window_ms === s.period_ms);
  if (!period || period.covered_ms >= s.period_ms) return budgetBar(s.error_budget_remaining);
  const history = `${duration(period.covered_ms)} of ${windowName(s.period_ms)}`;
  const left = period.burn_rate === null || period.burn_rate === undefined ? null
    : 1 - period.burn_rate * period.covered_ms / s.period_ms;
  return h('span.budget-partial', { dataset: { covered: String(period.covered_ms), period: String(s.period_ms) } },
    h('span.history-note', { title: 'the SLO period is not filled yet: budget figures cover only the history there is' },
      `not enough history (${history})`),
    left === null ? h('span.muted', ' · budget not computed yet')
      : budgetBar(left, { label: `${left < 0 ? 'exhausted' : percent(left, 1) + ' left'} so far`,
        title: `of the ${windowName(s.period_ms)} budget, ${percent(1 - left, 2)} spent by the ${duration(period.covered_ms)} of history there is` }));
}

/** The error budget left as a bar: green, then amber under 50%, red under 10% or when spent. */
export function budgetBar(remaining, { label: text = null, title = null } = {}) {
  if (remaining === null || remaining === undefined) return h('span.muted', 'not computed yet');
  const clamped = Math.max(0, Math.min(1, remaining));
  const fill = h(`span.fill${remaining < 0.1 ? '.low' : remaining < 0.5 ? '.mid' : ''}`);
  fill.style.width = `${(clamped * 100).toFixed(1)}%`;
  // Below zero the budget is spent: say so, with how far over (−1900% = spent 20 times over).
  const label = text || (remaining < 0 ? `exhausted (${percent(remaining, 0)})` : percent(remaining, 1));
  return h('span.budget', { title: title || `error budget left: ${percent(remaining)}` },
    h('span.track', fill), h(`span.budget-value${remaining < 0 ? '.spent' : ''}`, label));
}
