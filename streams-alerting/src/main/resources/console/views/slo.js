// SLOs: per SLO rule and instance, the error budget left and the burn rate per window (least budget first),
// and one SLO's windows in detail.
import { api } from '../api.js';
import { h, replace, setText, number, percent, time, ago, windowName, debounce } from '../dom.js';
import { burnChart, sloBudget } from '../charts.js';

// SRE Workbook table 5-8: what a rule without burn_windows uses (docs/semantics.md).
const DEFAULT_BURN = [[3600000, 300000, 14.4], [21600000, 1800000, 6], [259200000, 21600000, 1]];

/** Window length -> the lowest burn rate at which a pair containing it alerts. */
function thresholds(rule) {
  const pairs = rule && rule.slo && rule.slo.burn_windows && rule.slo.burn_windows.length
    ? rule.slo.burn_windows.map(b => [b.long_window_ms, b.short_window_ms, b.burn_rate]) : DEFAULT_BURN;
  const map = new Map();
  for (const [long, short, rate] of pairs) {
    for (const w of [long, short]) map.set(w, Math.min(rate, map.has(w) ? map.get(w) : Infinity));
  }
  return map;
}

export function mount(container, route, ctx) {
  return route.path.length >= 3 ? detail(container, route, ctx) : list(container, route, ctx);
}

let rulesCache = null;
async function rules(signal) {
  if (!rulesCache) {
    const all = await api.rules(signal);
    rulesCache = new Map(all.map(r => [r.rule_id, r]));
    setTimeout(() => { rulesCache = null; }, 60000);
  }
  return rulesCache;
}

function list(container, route, ctx) {
  let params = route.params;
  const q = h('input#slo-search', { type: 'search', placeholder: 'instance contains…  ( / )', 'aria-label': 'Filter by instance',
    oninput: debounce(() => set({ q: q.value, offset: null }), 300) });
  const ruleSelect = h('select#slo-rule', { 'aria-label': 'SLO rule', onchange: () => set({ rule_id: ruleSelect.value, offset: null }) },
    h('option', { value: '' }, 'every SLO'));
  const tbody = h('tbody');
  const summary = h('p.summary');
  const prev = h('button', { type: 'button', onclick: () => set({ offset: Math.max(0, Number(params.get('offset') || 0) - 100) || null }) }, '← previous');
  const next = h('button', { type: 'button', onclick: () => set({ offset: Number(params.get('offset') || 0) + 100 }) }, 'next →');
  const rows = new Map();
  replace(container,
    h('h1', 'SLOs'),
    h('p.muted', 'Error budget left over the SLO period and the burn rate of each window (1× spends the budget exactly over the period; a tick marks the rate at which the window alerts). Least budget first.'),
    h('div.filters', q, ruleSelect),
    h('div.tablewrap', h('table#slos.slos',
      h('thead', h('tr', ['SLO', 'Instance', 'Objective', 'Budget left', 'Burn rate per window', 'Updated'].map(c => h('th', { scope: 'col' }, c)))),
      tbody)),
    h('div.pager', summary, h('span.spacer'), prev, next));

  function set(changes) {
    const n = Object.fromEntries(params.entries());
    for (const [k, v] of Object.entries(changes)) { if (v === null || v === '') delete n[k]; else n[k] = v; }
    ctx.setParams(n, true);
  }

  async function refresh(signal) {
    const [page, ruleMap] = await Promise.all([
      api.slos({ rule_id: params.get('rule_id'), q: params.get('q'), offset: params.get('offset'), limit: 100 }, signal), rules(signal)]);
    const sloRules = [...ruleMap.values()].filter(r => r.kind === 'SLO').map(r => r.rule_id).sort();
    if (ruleSelect.options.length !== sloRules.length + 1) {
      replace(ruleSelect, h('option', { value: '' }, 'every SLO'), sloRules.map(id => h('option', { value: id }, id)));
    }
    ruleSelect.value = params.get('rule_id') || '';
    if (document.activeElement !== q) q.value = params.get('q') || '';
    const now = Date.now();
    const wanted = page.items.map(s => {
      const key = `${s.rule_id}\u0000${s.instance_id}`;
      const sig = JSON.stringify(s);
      let r = rows.get(key);
      if (!r || r.sig !== sig) {
        const tr = h('tr', { dataset: { rule: s.rule_id, instance: s.instance_id } },
          h('td', h('a', { href: ctx.href(['slo', s.rule_id, s.instance_id]) }, s.rule_id)),
          h('td', s.instance_id),
          h('td.num', percent(s.objective, 3)),
          h('td.budget-cell', sloBudget(s)),
          h('td', burnChart(s.windows.filter(w => w.window_ms !== s.period_ms), thresholds(ruleMap.get(s.rule_id)), { compact: true })),
          h('td.num.updated', { title: time(s.updated_at) }));
        if (r) r.tr.replaceWith(tr);
        r = { tr, sig };
        rows.set(key, r);
      }
      setText(r.tr.querySelector('.updated'), `${ago(s.updated_at, now)} ago`);
      return r.tr;
    });
    if (!wanted.length) {
      wanted.push(h('tr.empty', h('td', { colspan: 6 }, sloRules.length
        ? 'No SLO figures yet: they appear with the first samples the SLO rules select.'
        : 'No SLO rules. Add one with kind slo (see the README, "Rule files").')));
    }
    const keep = new Set(wanted);
    for (const tr of [...tbody.children]) if (!keep.has(tr)) tr.remove();
    wanted.forEach((tr, i) => { if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] || null); });
    for (const [k, r] of rows) if (!keep.has(r.tr)) rows.delete(k);
    const to = page.offset + page.items.length;
    setText(summary, `${page.total ? page.offset + 1 : 0}–${to} of ${page.total}`);
    prev.disabled = page.offset <= 0;
    next.disabled = to >= page.total;
  }

  return { refresh, update(r) { params = r.params; } };
}

function detail(container, route, ctx) {
  const [, ruleId, instanceId] = route.path;
  const head = h('p.lead');
  const budget = h('div.budget-big');
  const chart = h('div#burn-chart.chart-box');
  const tbody = h('tbody');
  let sig = null;
  replace(container,
    h('p.back', h('a', { href: '#/slo' }, '← SLOs')),
    h('h1', `${ruleId} · ${instanceId}`), head,
    h('div.detail-grid',
      h('section.panel', h('h2', 'Error budget left'), budget),
      h('section.panel.chart-panel', h('h2', 'Burn rate per window'), chart)),
    h('section.panel', h('h2', 'Windows'), h('div.tablewrap', h('table.slo-windows',
      h('thead', h('tr', ['Window', 'Events', 'Bad', 'SLI', 'Burn rate', 'Alerts at', 'Covered'].map(c => h('th', { scope: 'col' }, c)))),
      tbody))));

  async function refresh(signal) {
    const [s, ruleMap] = await Promise.all([api.slo(ruleId, instanceId, signal), rules(signal)]);
    const next = JSON.stringify(s);
    if (next === sig) return;
    sig = next;
    const limits = thresholds(ruleMap.get(ruleId));
    setText(head, `Objective ${percent(s.objective, 3)} over ${windowName(s.period_ms)} · as of ${time(s.updated_at)}${s.stale ? ' (from a standby)' : ''}`);
    replace(budget, sloBudget(s));
    replace(chart, burnChart(s.windows, limits));
    replace(tbody, s.windows.map(w => h('tr',
      h('td', windowName(w.window_ms) + (w.window_ms === s.period_ms ? ' (period)' : '')),
      h('td.num', number(w.events)), h('td.num', number(w.bad_events)),
      h('td.num', w.sli === null ? 'n/a' : percent(w.sli, 3)),
      h('td.num', w.burn_rate === null ? 'n/a' : `${number(w.burn_rate)}×`),
      h('td.num', limits.has(w.window_ms) ? `${number(limits.get(w.window_ms))}×` : ''),
      h('td.num', w.covered_ms >= w.window_ms ? 'full' : windowName(w.covered_ms)))));
  }
  return { refresh };
}
