// The alert list: filters, sort and grouping in the URL; live refresh that updates rows in place (keyed by
// alert key), so nothing flickers, the scroll position and the focused row stay where they are.
import { api } from '../api.js';
import { h, replace, setText, setAttr, ago, number, badge, debounce, SEVERITIES, STATES, time } from '../dom.js';

const DEFAULT_STATES = ['FIRING', 'PENDING', 'ACKNOWLEDGED'];
const COLUMNS = [
  { id: 'severity', label: 'Severity', sort: 'severity' },
  { id: 'state', label: 'State', sort: 'state' },
  { id: 'rule', label: 'Alert', sort: 'rule' },
  { id: 'instance', label: 'Instance', sort: 'instance' },
  { id: 'metric', label: 'Metric', sort: 'metric' },
  { id: 'value', label: 'Current value / threshold' },
  { id: 'age', label: 'Age', sort: 'age' },
  { id: 'updated', label: 'Changed', sort: 'updated' },
];
const GROUPS = { '': 'none', severity: 'severity', state: 'state', rule: 'rule', instance: 'instance' };
const GROUP_FIELD = { severity: a => a.severity, state: a => a.state, rule: a => a.rule_id, instance: a => a.instance_id };

export function mount(container, route, ctx) {
  let params = route.params;
  let rendered = false;
  const rows = new Map();      // alert key -> {tr, cells, sig, item}
  const groupRows = new Map(); // group value -> tr

  const q = h('input#alert-search', { type: 'search', placeholder: 'search rule, instance, metric, summary  ( / )',
    'aria-label': 'Search alerts', oninput: debounce(() => set({ q: q.value, offset: null }, true), 300) });
  const rule = h('input#filter-rule', { type: 'text', placeholder: 'rule id', 'aria-label': 'Rule id (exact)', list: 'rule-ids',
    onchange: () => set({ rule_id: rule.value, offset: null }) });
  const ruleIds = h('datalist#rule-ids');
  const instance = h('input#filter-instance', { type: 'text', placeholder: 'instance id', 'aria-label': 'Instance id (exact)',
    onchange: () => set({ instance_id: instance.value, offset: null }) });
  const group = h('select#group', { 'aria-label': 'Group by', onchange: () => set({ group: group.value }) },
    Object.entries(GROUPS).map(([v, label]) => h('option', { value: v }, `group: ${label}`)));
  const limit = h('select#limit', { 'aria-label': 'Alerts per page', onchange: () => set({ limit: limit.value, offset: null }) },
    [50, 100, 250, 500].map(n => h('option', { value: String(n) }, `${n} per page`)));
  const stateChips = h('div.chips', { role: 'group', 'aria-label': 'State' });
  const severityChips = h('div.chips', { role: 'group', 'aria-label': 'Severity' });
  const clear = h('button.link', { type: 'button', onclick: () => ctx.setParams({}) }, 'clear filters');
  const summary = h('p#alerts-summary.summary', { 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', onclick: () => page(-1) }, '← previous');
  const next = h('button', { type: 'button', onclick: () => page(1) }, 'next →');
  const thead = h('thead', h('tr', COLUMNS.map(c => h(`th.col-${c.id}`, { scope: 'col', dataset: { col: c.id } },
    c.sort ? h('button.sort', { type: 'button', onclick: () => sortBy(c.sort) }, c.label, h('span.arrow')) : c.label))));
  const tbody = h('tbody');
  const table = h('table#alerts.alerts', h('caption.sr-only', 'Current alerts'), thead, tbody);

  replace(container,
    h('h1.sr-only', 'Alerts'),
    h('div.filters', q, rule, ruleIds, instance, group, limit, clear),
    h('div.filters', stateChips, severityChips),
    h('div.tablewrap', table),
    h('div.pager', summary, h('span.spacer'), prev, next));

  function get(name) { return params.get(name) || ''; }

  function set(changes, replaceHistory = false) {
    const next = Object.fromEntries(params.entries());
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === undefined || v === '') delete next[k]; else next[k] = v;
    }
    ctx.setParams(next, replaceHistory);
  }

  function page(direction) {
    const lim = Number(get('limit') || 100);
    set({ offset: Math.max(0, Number(get('offset') || 0) + direction * lim) || null });
  }

  function sortBy(field) {
    const current = get('sort');
    set({ sort: current === field ? `-${field}` : current === `-${field}` ? null : field, offset: null });
  }

  function selected(name, all, defaults) {
    const v = get(name);
    return v ? v.split(',').filter(s => all.includes(s)) : defaults;
  }

  function toggle(name, value, all, defaults) {
    const now = new Set(selected(name, all, defaults));
    if (now.has(value)) now.delete(value); else now.add(value);
    const list = all.filter(s => now.has(s));
    const same = list.length === defaults.length && defaults.every(d => now.has(d));
    set({ [name]: same ? null : list.join(',') || defaults.join(','), offset: null });
  }

  function chips(el, name, all, defaults, counts) {
    const chosen = new Set(selected(name, all, defaults));
    if (!el.children.length) {
      for (const v of all) {
        el.append(h(`button.chip.chip-${v.toLowerCase()}`, { type: 'button', dataset: { value: v },
          onclick: () => toggle(name, v, all, defaults) }, h('span.chip-label', v.toLowerCase()), ' ', h('span.count')));
      }
    }
    for (const b of el.children) {
      setAttr(b, 'aria-pressed', chosen.has(b.dataset.value) ? 'true' : 'false');
      // The default (open) list is read from the open alerts only: no RESOLVED count, shown as none rather than 0.
      const n = counts ? counts[b.dataset.value] : undefined;
      setText(b.querySelector('.count'), !counts || (n === undefined && b.dataset.value === 'RESOLVED') ? '' : String(n || 0));
    }
  }

  function syncControls() {
    if (document.activeElement !== q) q.value = get('q');
    rule.value = get('rule_id');
    instance.value = get('instance_id');
    group.value = get('group') in GROUPS ? get('group') : '';
    limit.value = ['50', '100', '250', '500'].includes(get('limit')) ? get('limit') : '100';
    const sort = get('sort');
    for (const th of thead.querySelectorAll('th')) {
      const c = COLUMNS.find(col => col.id === th.dataset.col);
      const state = c.sort && sort === c.sort ? 'ascending' : c.sort && sort === `-${c.sort}` ? 'descending' : null;
      setAttr(th, 'aria-sort', state);
      const arrow = th.querySelector('.arrow');
      if (arrow) setText(arrow, state === 'ascending' ? ' ▲' : state === 'descending' ? ' ▼' : '');
    }
  }

  async function refresh(signal) {
    const g = get('group');
    const sort = [GROUP_FIELD[g] ? g : '', get('sort')].filter(Boolean).join(',');
    const answer = await api.alerts({
      state: get('state'), severity: get('severity'), rule_id: get('rule_id'), instance_id: get('instance_id'),
      q: get('q'), sort, offset: get('offset'), limit: get('limit') || 100,
    }, signal);
    render(answer);
  }

  function render(answer) {
    syncControls();
    chips(stateChips, 'state', STATES, DEFAULT_STATES, answer.state_counts);
    chips(severityChips, 'severity', SEVERITIES, SEVERITIES, answer.severity_counts);
    const now = Date.now();
    const g = GROUP_FIELD[get('group')];
    const wanted = [];
    const perGroup = new Map();
    if (g) for (const a of answer.items) perGroup.set(g(a), (perGroup.get(g(a)) || 0) + 1);
    let lastGroup;
    for (const a of answer.items) {
      if (g && g(a) !== lastGroup) {
        lastGroup = g(a);
        wanted.push(groupRow(lastGroup, perGroup.get(lastGroup), get('group'), answer));
      }
      wanted.push(row(a, now));
    }
    if (!answer.items.length) {
      wanted.push(groupRow('__empty', 0, null, answer));
    }
    // Put the wanted rows in order, moving only those out of place; drop the others.
    const keep = new Set(wanted);
    for (const tr of [...tbody.children]) if (!keep.has(tr)) tr.remove();
    wanted.forEach((tr, i) => { if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] || null); });
    for (const [key, r] of rows) if (!keep.has(r.tr)) rows.delete(key);
    for (const [key, tr] of groupRows) if (!keep.has(tr)) groupRows.delete(key);

    const from = answer.total ? answer.offset + 1 : 0;
    const to = answer.offset + answer.items.length;
    setText(summary, `${from}–${to} of ${answer.total} alert${answer.total === 1 ? '' : 's'}`);
    prev.disabled = answer.offset <= 0;
    next.disabled = to >= answer.total;
    if (!rendered) performance.mark('gds:alerts-rendered'); // the first render, read by the console benchmark
    rendered = true;
  }

  function groupRow(value, count, field, answer) {
    let tr = groupRows.get(value);
    if (!tr) {
      tr = h('tr.group', h('th', { colspan: COLUMNS.length, scope: 'rowgroup' }));
      groupRows.set(value, tr);
    }
    if (value === '__empty') {
      setText(tr.firstChild, get('q') || get('rule_id') || get('instance_id') || get('severity') || get('state')
        ? 'No alert matches these filters.' : 'No open alerts. All quiet.');
      tr.className = 'group empty';
      return tr;
    }
    const all = field === 'state' ? answer.state_counts : field === 'severity' ? answer.severity_counts : null;
    const total = all && all[value] !== undefined ? ` of ${all[value]}` : '';
    setText(tr.firstChild, `${field === 'severity' || field === 'state' ? value.toLowerCase() : value} · ${count}${total} on this page`);
    return tr;
  }

  /**
   * The value column. An anomaly alert's value is its deviation from the baseline in σ and its threshold the
   * rule's bounds; a forecast alert's value is the seconds to the predicted crossing: shown as such, never as
   * bare numbers that read like the metric's own.
   */
  function valueText(a) {
    const has = v => v !== null && v !== undefined;
    if (has(a.deviation_sigma)) {
      return `${number(a.value)}σ${has(a.threshold) ? ` / ${number(a.threshold)}σ` : ''}`;
    }
    if (a.predicted_crossing_at) {
      return `crosses ${time(a.predicted_crossing_at)}`;
    }
    return `${number(a.value)}${has(a.threshold) ? ` / ${number(a.threshold)}` : ''}`;
  }

  function row(a, now) {
    let r = rows.get(a.alert_key);
    if (!r) {
      const link = h('a.alert-link', { href: ctx.href(['alerts', a.alert_key]) });
      const cells = {
        severity: h('td.col-severity'), state: h('td.col-state'),
        rule: h('td.col-rule', link, h('div.summary-text')), instance: h('td.col-instance'), metric: h('td.col-metric'),
        value: h('td.col-value.num'), age: h('td.col-age.num'), updated: h('td.col-updated.num'),
      };
      const tr = h('tr.alert-row', { dataset: { key: a.alert_key },
        onclick: e => { if (!e.target.closest('a, button')) location.hash = link.getAttribute('href'); } },
      COLUMNS.map(c => cells[c.id]));
      if (rendered) {
        tr.classList.add('fresh');
        setTimeout(() => tr.classList.remove('fresh'), 4000);
      }
      r = { tr, cells, link, sig: null };
      rows.set(a.alert_key, r);
    }
    const sig = [a.severity, a.state, a.rule_id, a.summary, a.instance_id, a.metric_name, a.value, a.threshold,
      a.deviation_sigma, a.predicted_crossing_at, a.stale,
      a.suppressed_by, a.updated_at].join('\u0000');
    if (sig !== r.sig) {
      r.sig = sig;
      replace(r.cells.severity, badge('sev', a.severity));
      replace(r.cells.state, badge('state', a.state), a.stale ? h('span.muted', { title: 'read from a standby replica' }, ' stale') : null,
        a.suppressed_by ? h('div.quiet', { title: `notifications suppressed by ${a.suppressed_by}` },
          a.suppressed_by.startsWith('silence:') ? 'silenced' : 'inhibited') : null);
      setText(r.link, a.rule_id);
      const summaryEl = r.cells.rule.querySelector('.summary-text');
      setText(summaryEl, a.summary || '');
      // The summary is rendered at a transition; the value column is the newest evaluation: say so.
      setAttr(summaryEl, 'title', a.summary ? `as written at the last transition (${time(a.updated_at)}); the value column is the current value` : null);
      setText(r.cells.instance, a.instance_id);
      setText(r.cells.metric, a.metric_name);
      setText(r.cells.value, valueText(a));
      r.tr.dataset.state = a.state;
      r.tr.dataset.severity = a.severity;
    }
    setText(r.cells.age, ago(a.started_at, now));
    setAttr(r.cells.age, 'title', `started ${time(a.started_at)}${a.fired_at ? `, fired ${time(a.fired_at)}` : ''}`);
    setText(r.cells.updated, ago(a.updated_at, now));
    setAttr(r.cells.updated, 'title', time(a.updated_at));
    return r.tr;
  }

  function onKey(e) {
    if (e.key !== 'j' && e.key !== 'k') return;
    const links = [...tbody.querySelectorAll('a.alert-link')];
    if (!links.length) return;
    const i = links.indexOf(document.activeElement);
    const next = e.key === 'j' ? Math.min(links.length - 1, i + 1) : Math.max(0, i < 0 ? 0 : i - 1);
    links[next].focus();
    e.preventDefault();
  }

  api.rules().then(rules => replace(ruleIds, rules.map(r => h('option', { value: r.rule_id })))).catch(() => {});
  syncControls();

  return {
    refresh,
    update(route) { params = route.params; syncControls(); },
    onKey,
  };
}
