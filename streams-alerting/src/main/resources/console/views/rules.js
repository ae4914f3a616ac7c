// Rules, read-only: what the topology holds (the accepted versions) and where each came from.
import { api } from '../api.js';
import { h, replace, setText, number, duration, debounce } from '../dom.js';

const OPS = { EQ: '=', NEQ: '!=', RE: '=~', NRE: '!~' };
const CMP = { GT: '>', GTE: '>=', LT: '<', LTE: '<=', EQ: '==', NEQ: '!=' };

function selector(r) {
  const m = (r.selector.matchers || []).map(x => `${x.label}${OPS[x.op] || x.op}"${x.value}"`);
  return `${r.selector.metric_name}${m.length ? `{${m.join(', ')}}` : ''}`;
}

function conditions(r) {
  if (r.kind === 'SLO' && r.slo) return `${(r.slo.objective * 100).toFixed(3)}% over ${duration(r.slo.period_ms)}`;
  if (r.kind === 'ABSENCE' && r.absence) return `${r.absence.severity.toLowerCase()}: no sample for ${duration(r.for_ms)}`;
  const w = r.window ? `${r.window.aggregation.toLowerCase()}(${duration(r.window.size_ms)}) ` : '';
  return (r.conditions || []).map(c => `${c.severity.toLowerCase()}: ${w}${CMP[c.op] || c.op} ${number(c.threshold)}`).join(' · ');
}

const KIND = { ONLY_SHADOW: 'only in shadow', ONLY_LIVE: 'only live', DIFFERENT_TIMES: 'at different times',
  DIFFERENT_SEVERITY: 'at another severity' };
const at = t => (t ? new Date(t).toISOString().replace('.000Z', 'Z') : '');
const signed = ms => (ms == null ? '' : ms === 0 ? '0s' : `${ms < 0 ? '−' : '+'}${duration(Math.abs(ms))}`);
const span = e => (e ? `${at(e.fired_at) || '(before the range)'} → ${at(e.resolved_at) || '(still firing)'} ${e.severity.toLowerCase()}` : '—');

// A shadow rule's diff against the live rule it shadows, over the last 24 hours, loaded when opened.
function shadowDiff(r) {
  const body = h('div.shadow-diff', h('p.muted', 'Loading…'));
  let loaded = false;
  return h('details', { ontoggle: async e => {
    if (!e.target.open || loaded) return;
    loaded = true;
    try {
      const d = await api.shadowDiff(r.rule_id, {});
      replace(body,
        h('p', d.identical ? `Fired exactly like ${d.live_rule_id} on ${d.series_compared} series (${d.agreeing} episodes).`
          : `${d.only_shadow} only in shadow, ${d.only_live} only live, ${d.different_times} at different times, `
            + `${d.different_severity} at another severity; ${d.agreeing} agree (${d.series_compared} series, vs ${d.live_rule_id}).`),
        d.series.length ? h('table.shadow-diff',
          h('thead', h('tr', ['Series', 'Difference', 'Shadow', 'Live', 'Δ fired', 'Δ resolved'].map(c => h('th', { scope: 'col' }, c)))),
          h('tbody', d.series.flatMap(s => s.differences.map(x => h('tr',
            h('td', s.series), h('td', KIND[x.kind] || x.kind), h('td', span(x.shadow)), h('td', span(x.live)),
            h('td.num', signed(x.fired_delta_ms)), h('td.num', signed(x.resolved_delta_ms))))))) : null);
    } catch (err) {
      replace(body, h('p.error', `Shadow diff unavailable: ${err.message}`));
    }
  } }, h('summary', 'shadow diff (24 h)'), body);
}

export function mount(container, route, ctx) {
  let params = route.params;
  const q = h('input#rule-search', { type: 'search', placeholder: 'filter rules  ( / )', 'aria-label': 'Filter rules',
    oninput: debounce(() => ctx.setParams(q.value ? { q: q.value } : {}, true), 200) });
  const tbody = h('tbody');
  const summary = h('p.summary');
  let sig = null;
  replace(container,
    h('h1', 'Rules'),
    h('p.muted', 'The rules the topology holds, as accepted from gds.rules. Read-only: rules live in Git and are published with bin/gds-rules publish.'),
    h('div.filters', q), summary,
    h('div.tablewrap', h('table#rules.rules',
      h('thead', h('tr', ['Rule', 'Kind', 'Selects', 'Fires when', 'For', 'Origin', ''].map(c => h('th', { scope: 'col' }, c)))),
      tbody)));

  async function refresh(signal) {
    const all = await api.rules(signal);
    const filter = (params.get('q') || '').toLowerCase();
    const id = params.get('id');
    if (document.activeElement !== q) q.value = params.get('q') || '';
    const shown = all.filter(r => (!id || r.rule_id === id) && (!filter || JSON.stringify(r).toLowerCase().includes(filter)))
      .sort((a, b) => a.rule_id.localeCompare(b.rule_id));
    const next = JSON.stringify([shown, id]);
    if (next === sig) return;
    sig = next;
    setText(summary, `${shown.length} of ${all.length} rule${all.length === 1 ? '' : 's'}${id ? ` (only ${id})` : ''}`);
    replace(tbody, shown.map(r => h(`tr${r.enabled ? '' : '.disabled'}`, { id: `rule-${r.rule_id}` },
      h('th', { scope: 'row' }, r.rule_id, r.enabled ? null : h('span.muted', ' (disabled)'),
        r.shadow ? h('span.badge.shadow', { title: 'evaluated, never notifies; transitions on gds.alerts.shadow' },
          r.shadow_of ? `shadow of ${r.shadow_of}` : 'shadow') : null),
      h('td', r.kind.toLowerCase()),
      h('td', h('code', selector(r))),
      h('td', conditions(r)),
      h('td.num', r.for_ms ? duration(r.for_ms) : ''),
      h('td.origin', r.source || h('span.muted', 'unknown')),
      h('td', r.shadow ? shadowDiff(r) : null,
        h('details', h('summary', 'all fields'), h('pre', JSON.stringify(r, null, 2)))))));
    if (!shown.length) tbody.append(h('tr.empty', h('td', { colspan: 7 }, all.length ? 'No rule matches.' : 'No rules yet.')));
    if (id) tbody.append(h('tr', h('td', { colspan: 7 }, h('a', { href: '#/rules' }, 'show every rule'))));
  }

  return { refresh, update(r) { params = r.params; } };
}
