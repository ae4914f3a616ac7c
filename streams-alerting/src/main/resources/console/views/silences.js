// Silences: the list (in force, upcoming, ended), expire, and a form to create one, pre-filled from an alert
// (its instance and metric) or for an instance's maintenance mode (no end, cleared by expiring it).
import { api, explain } from '../api.js';
import { h, replace, setText, setAttr, time, duration } from '../dom.js';

const OPS = { EQ: '=', NEQ: '!=', RE: '=~', NRE: '!~' };
const DURATIONS = [['30m', 30], ['1h', 60], ['2h', 120], ['4h', 240], ['8h', 480], ['1d', 1440], ['3d', 4320], ['7d', 10080]];
// What a silence matches (the topology's AlertLifecycle): the alert's labels (its series' tags and the rule's
// labels) plus rule_id, instance_id, metric_name and severity (lower case).
const KNOWN_LABELS = ['rule_id', 'instance_id', 'metric_name', 'severity', 'database_type', 'environment'];

export function mount(container, route, ctx) {
  return route.path[1] === 'new' ? createForm(container, route, ctx) : list(container, route, ctx);
}

function status(s, now) {
  const start = Date.parse(s.starts_at);
  const end = s.ends_at ? Date.parse(s.ends_at) : null;
  if (end !== null && end <= now) return 'ended';
  if (start > now) return 'upcoming';
  return end === null ? 'maintenance' : 'active';
}

function matcherText(m) {
  return `${m.label} ${OPS[m.op] || m.op} "${m.value}"`;
}

function list(container, route, ctx) {
  const tbody = h('tbody');
  const created = route.params.get('created');
  const note = h('p#silences-note.result', { role: 'status' });
  const rows = new Map();
  replace(container,
    h('div.view-head', h('h1', 'Silences'),
      h('a#new-silence.button', { href: ctx.href(['silences', 'new']) }, 'New silence')),
    h('p.muted', 'A silenced alert keeps its state and history but sends no notification. A silence without an end is maintenance mode: it lasts until expired here.'),
    note,
    h('div.tablewrap', h('table#silences.silences',
      h('thead', h('tr', ['Status', 'Matchers', 'Starts', 'Ends', 'Created by', 'Comment', ''].map(c => h('th', { scope: 'col' }, c)))),
      tbody)));
  if (created) setText(note, `Silence ${created} created; it is listed once every instance has read it (usually within a second).`);

  async function expire(s, button) {
    if (button.dataset.confirm !== 'yes') {
      button.dataset.confirm = 'yes';
      setText(button, 'Confirm expire');
      setTimeout(() => { if (button.isConnected) { delete button.dataset.confirm; setText(button, 'Expire'); } }, 5000);
      return;
    }
    button.disabled = true;
    try {
      await api.expireSilence(s.silence_id);
      setText(note, `Silence ${s.silence_id} expired.`);
      ctx.refreshNow();
    } catch (e) {
      setText(note, explain(e, 'Expiring a silence'));
      button.disabled = false;
    }
  }

  async function refresh(signal) {
    const silences = await api.silences(signal);
    const now = Date.now();
    const order = { active: 0, maintenance: 0, upcoming: 1, ended: 2 };
    silences.sort((a, b) => order[status(a, now)] - order[status(b, now)] || Date.parse(b.created_at) - Date.parse(a.created_at));
    const wanted = silences.map(s => {
      const st = status(s, now);
      const sig = JSON.stringify([s, st, ctx.can('write')]);
      let r = rows.get(s.silence_id);
      if (!r || r.sig !== sig) {
        const button = h('button.expire', { type: 'button', disabled: !ctx.can('write') || st === 'ended',
          title: ctx.can('write') ? 'End it now' : 'needs the "write" right' }, 'Expire');
        button.addEventListener('click', () => expire(s, button));
        const tr = h('tr', { dataset: { id: s.silence_id, status: st }, class: s.silence_id === created ? 'fresh' : null },
          h('td', h(`span.badge.silence-${st}`, st)),
          h('td.matchers', s.matchers.map(m => h('code.matcher', matcherText(m)))),
          h('td.num', { title: s.starts_at }, time(s.starts_at)),
          h('td.num', s.ends_at ? h('span', { title: s.ends_at }, time(s.ends_at), st !== 'ended' ? h('span.muted.left') : null) : h('span.muted', 'no end')),
          h('td', s.created_by),
          h('td.comment', s.comment),
          h('td', button));
        if (r) r.tr.replaceWith(tr);
        r = { tr, sig };
        rows.set(s.silence_id, r);
      }
      const left = r.tr.querySelector('.left');
      if (left) setText(left, ` (in ${duration(Date.parse(s.ends_at) - now)})`);
      return r.tr;
    });
    if (!wanted.length) wanted.push(h('tr.empty', h('td', { colspan: 7 }, 'No silences.')));
    const keep = new Set(wanted);
    for (const tr of [...tbody.children]) if (!keep.has(tr)) tr.remove();
    wanted.forEach((tr, i) => { if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] || null); });
    for (const [id, r] of rows) if (!keep.has(r.tr)) rows.delete(id);
  }

  return { refresh };
}

function createForm(container, route, ctx) {
  const fromAlert = route.params.get('alert');
  const maintenance = route.params.get('maintenance') === '1';
  const matchers = h('div#silence-matchers.matchers');
  const durationSelect = h('select#silence-duration', { 'aria-label': 'Duration' },
    DURATIONS.map(([label, minutes]) => h('option', { value: String(minutes) }, label)),
    h('option', { value: 'none' }, 'no end (maintenance mode)'),
    h('option', { value: 'custom' }, 'until…'));
  const until = h('input#silence-until', { type: 'datetime-local', 'aria-label': 'Ends at', hidden: true });
  const by = h('input#silence-by', { type: 'text', required: true, value: ctx.by(), 'aria-label': 'Created by' });
  const comment = h('textarea#silence-comment', { rows: 3, required: true, 'aria-label': 'Comment',
    placeholder: maintenance ? 'maintenance: what and until when (the next on-call engineer reads this)' : 'why (the next on-call engineer reads this)' });
  const preview = h('p#silence-preview.muted', { 'aria-live': 'polite' });
  const result = h('p#silence-result.result', { role: 'status' });
  const submit = h('button#silence-submit', { type: 'submit' }, maintenance ? 'Start maintenance mode' : 'Create silence');
  const form = h('form#silence-form.panel.silence-form', { onsubmit: e => { e.preventDefault(); create(); } },
    h('fieldset', h('legend', 'Matchers (all must match)'), matchers,
      h('button.link', { type: 'button', onclick: () => { addMatcher({ label: '', op: '=', value: '' }).querySelector('input').focus(); } }, '+ matcher')),
    preview,
    h('div.form-row', h('label', { for: 'silence-duration' }, 'Duration'), durationSelect, until),
    h('div.form-row', h('label', { for: 'silence-by' }, 'Created by'), by),
    h('div.form-row', h('label', { for: 'silence-comment' }, 'Comment'), comment),
    h('div.buttons', submit, h('a.button.secondary', { href: '#/silences' }, 'Cancel')),
    result);

  replace(container,
    h('p.back', h('a', { href: fromAlert ? ctx.href(['alerts', fromAlert]) : '#/silences' }, fromAlert ? '← back to the alert' : '← silences')),
    h('h1', maintenance ? 'Maintenance mode' : 'New silence'),
    fromAlert ? h('p.muted', 'Pre-filled to match exactly this alert: its rule, instance and metric. Remove the rule_id matcher to silence every rule on that series.') : null,
    maintenance ? h('p.muted', 'Silences every alert of the instance until you expire it on the Silences page.') : null,
    form);

  durationSelect.value = maintenance ? 'none' : '120';
  durationSelect.addEventListener('change', () => { until.hidden = durationSelect.value !== 'custom'; if (!until.hidden) until.focus(); });

  function addMatcher(m) {
    const label = h('input.m-label', { type: 'text', value: m.label, 'aria-label': 'Label', list: 'matcher-labels', required: true });
    const op = h('select.m-op', { 'aria-label': 'Operator' }, Object.values(OPS).map(o => h('option', { value: o }, o)));
    op.value = OPS[m.op] || m.op;
    const value = h('input.m-value', { type: 'text', value: m.value, 'aria-label': 'Value' });
    const row = h('div.matcher-row', label, op, value,
      h('button.link', { type: 'button', 'aria-label': 'Remove matcher', onclick: () => { row.remove(); updatePreview(); } }, 'remove'));
    for (const input of [label, op, value]) input.addEventListener('input', updatePreview);
    matchers.append(row);
    return row;
  }
  matchers.append(h('datalist#matcher-labels', KNOWN_LABELS.map(l => h('option', { value: l }))));

  function read() {
    return [...matchers.querySelectorAll('.matcher-row')].map(r => ({
      label: r.querySelector('.m-label').value.trim(), op: r.querySelector('.m-op').value, value: r.querySelector('.m-value').value,
    })).filter(m => m.label);
  }

  let alertsForPreview = null;
  function field(a, label) {
    const known = { rule_id: a.rule_id, instance_id: a.instance_id, metric_name: a.metric_name, severity: a.severity.toLowerCase() };
    return label in known ? known[label] : (a.labels[label] || { database_type: a.database_type, environment: a.environment }[label] || '');
  }
  function matches(a, m) {
    const actual = field(a, m.label);
    if (m.op === '=') return actual === m.value;
    if (m.op === '!=') return actual !== m.value;
    let re;
    try { re = new RegExp(`^(?:${m.value})$`); } catch { return false; }
    return m.op === '=~' ? re.test(actual) : !re.test(actual);
  }
  function updatePreview() {
    const ms = read();
    if (!alertsForPreview || !ms.length) { setText(preview, ms.length ? '' : 'Add at least one matcher.'); return; }
    const n = alertsForPreview.items.filter(a => ms.every(m => matches(a, m))).length;
    const more = alertsForPreview.total > alertsForPreview.items.length ? ` (of the first ${alertsForPreview.items.length})` : '';
    setText(preview, `Matches ${n} of the current alerts${more}.`);
  }

  async function create() {
    const ms = read();
    if (!ms.length) { setText(result, 'Add at least one matcher: a silence without one would silence everything.'); return; }
    let endsAt = null;
    const now = new Date();
    if (durationSelect.value === 'custom') {
      if (!until.value) { until.focus(); setText(result, 'Choose when it ends.'); return; }
      endsAt = new Date(until.value).toISOString();
    } else if (durationSelect.value !== 'none') {
      endsAt = new Date(now.getTime() + Number(durationSelect.value) * 60000).toISOString();
    }
    ctx.rememberBy(by.value.trim());
    submit.disabled = true;
    try {
      const answer = await api.createSilence({ matchers: ms, ends_at: endsAt, created_by: by.value.trim(), comment: comment.value.trim() });
      location.hash = ctx.href('silences', { created: answer.silence_id });
    } catch (e) {
      result.className = 'result error';
      setText(result, e.status === 400 ? `Not created: ${e.message}` : explain(e, 'Creating a silence'));
      submit.disabled = false;
    }
  }

  async function prefill() {
    if (fromAlert) {
      try {
        const a = await api.alert(fromAlert);
        addMatcher({ label: 'rule_id', op: '=', value: a.rule_id });
        addMatcher({ label: 'instance_id', op: '=', value: a.instance_id });
        addMatcher({ label: 'metric_name', op: '=', value: a.metric_name });
      } catch (e) {
        setText(result, `Could not read the alert to pre-fill: ${explain(e)}`);
        addMatcher({ label: '', op: '=', value: '' });
      }
    } else if (route.params.get('instance_id')) {
      addMatcher({ label: 'instance_id', op: '=', value: route.params.get('instance_id') });
    } else {
      addMatcher({ label: 'instance_id', op: '=', value: '' });
    }
    if (!ctx.can('write')) {
      setText(result, 'Your token can read only: creating a silence needs the "write" right.');
      setAttr(submit, 'disabled', true);
    }
    try { alertsForPreview = await api.alerts({ limit: 1000 }); } catch { alertsForPreview = null; }
    updatePreview();
    comment.focus();
  }
  prefill();
  return {};
}
