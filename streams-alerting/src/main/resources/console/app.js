// The console's shell: routes (in the URL hash, so a filtered view is a link to paste), the token, the live
// refresh loop and keyboard shortcuts. Each view is a module with mount(container, route, ctx).
import { api, token, explain, onAuthError } from './api.js';
import { h, replace, time } from './dom.js';
import * as alertsView from './views/alerts.js';
import * as alertView from './views/alert.js';
import * as silencesView from './views/silences.js';
import * as sloView from './views/slo.js';
import * as rulesView from './views/rules.js';

const POLL_MS = 5000;
const THEMES = ['dark', 'auto', 'light'];

const ROUTES = [
  // #/alerts/ (an empty key) is the list, not an alert called "".
  { match: p => p[0] === 'alerts' && p.length > 1 && p.slice(1).join('/') !== '', view: alertView, nav: 'alerts' },
  { match: p => p[0] === 'alerts' || p.length === 0 || p[0] === '', view: alertsView, nav: 'alerts' },
  { match: p => p[0] === 'silences', view: silencesView, nav: 'silences' },
  { match: p => p[0] === 'slo', view: sloView, nav: 'slo' },
  { match: p => p[0] === 'rules', view: rulesView, nav: 'rules' },
];

/** The route in the hash: #/alerts/pg%3A1?state=FIRING -> {path: ['alerts', 'pg:1'], params}. */
export function parseRoute(hash = location.hash) {
  const raw = hash.replace(/^#\/?/, '');
  const [path, search] = raw.split('?');
  return { path: path ? path.split('/').map(decodeURIComponent) : [], params: new URLSearchParams(search || '') };
}

export function href(path, params) {
  const p = [].concat(path).map(encodeURIComponent).join('/');
  const q = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString() : '';
  return `#/${p}${q ? `?${q}` : ''}`;
}

const el = {
  main: document.getElementById('main'),
  nav: document.getElementById('nav'),
  session: document.getElementById('session'),
  auth: document.getElementById('auth'),
  authMessage: document.getElementById('auth-message'),
  tokenForm: document.getElementById('token-form'),
  tokenInput: document.getElementById('token-input'),
  live: document.getElementById('live'),
  status: document.getElementById('status'),
  theme: document.getElementById('theme'),
  help: document.getElementById('help'),
};

const ctx = {
  session: { auth: false, authenticated: false, name: null, rights: [] },
  /** Whether the current token (or none, with auth off) has a right. */
  can(right) { return this.session.rights.includes(right); },
  /** Who acknowledges: the token's name, or what the user typed last time. */
  by() { return this.session.name || localStorage.getItem('gds.console.by') || ''; },
  rememberBy(name) { if (!this.session.name && name) localStorage.setItem('gds.console.by', name); },
  /** Changes the current route's parameters; replace = no new history entry (typing in a filter). */
  setParams(params, replace = false) {
    const route = parseRoute();
    const next = href(route.path, params);
    if (next === location.hash) return;
    if (replace) history.replaceState(null, '', next); else history.pushState(null, '', next);
    route_();
  },
  navigate(hash) { location.hash = hash; },
  status(message, kind = 'error') { showStatus(message, kind); },
  refreshNow() { tick(true); },
  href,
};

let current = null;      // {view, instance, key}
let inFlight = null;
let lastOk = null;

function showStatus(message, kind) {
  if (!message) { el.status.hidden = true; replace(el.status); return; }
  el.status.hidden = false;
  el.status.className = `status ${kind}`;
  replace(el.status, message);
}

function renderSession() {
  const s = ctx.session;
  if (!s.auth) {
    replace(el.session, h('span.muted', { title: 'micronaut.security.enabled=false: anyone who reaches this port can read and write' }, 'auth off'));
    el.auth.hidden = true;
    return;
  }
  if (s.authenticated) {
    replace(el.session,
      h('span', { id: 'whoami' }, `${s.name} `, h('span.muted', `(${s.rights.join(', ') || 'no rights'})`)),
      ' ', h('button.link', { type: 'button', onclick: forgetToken }, 'Forget token'));
    el.auth.hidden = true;
  } else {
    replace(el.session, h('span.muted', 'no token'));
    showAuth(token.get()
      ? 'Your token was not accepted (401 Unauthorized): it is wrong or no longer configured. Enter a valid token.'
      : 'This service needs an API token. Enter yours (it is kept in this browser tab only).');
  }
}

function showAuth(message) {
  el.auth.hidden = false;
  replace(el.authMessage, message);
}

function forgetToken() {
  token.set('');
  loadSession().then(route_);
}

async function loadSession() {
  try {
    ctx.session = await api.me();
  } catch (e) {
    ctx.session = { auth: true, authenticated: false, name: null, rights: [] };
    showStatus(explain(e), 'error');
  }
  renderSession();
  live.restart();
}

// Push: GET /api/v1/events/stream (server-sent events, read with fetch so the token goes in a header).
// A transition refreshes the page at once; the 5 s poll goes on beside it (values change without
// transitions) and is all there is while the stream is down, which the live label says.
const live = {
  mode: 'polling',
  reason: 'connecting',
  lastEventId: null,
  controller: null,
  retry: null,
  debounce: null,
  /** Read by the browser test: refreshes a pushed transition caused. */
  pushRefreshes: 0,
  restart() {
    if (this.controller) this.controller.abort();
    clearTimeout(this.retry);
    this.lastEventId = null;
    if (ctx.session.auth && !ctx.session.authenticated) { this.down('no token'); return; }
    this.open();
  },
  down(reason) {
    this.mode = 'polling';
    this.reason = reason;
    showLive();
  },
  async open() {
    const controller = new AbortController();
    this.controller = controller;
    const headers = { Accept: 'text/event-stream' };
    const t = token.get();
    if (t) headers.Authorization = `Bearer ${t}`;
    if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId;
    try {
      const res = await fetch('/api/v1/events/stream', { headers, signal: controller.signal, cache: 'no-store' });
      if (!res.ok || !res.body) throw new Error(`the event stream answered ${res.status}`);
      this.mode = 'push';
      showLive();
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the event stream ended');
        buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.handle(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (e) {
      if (controller.signal.aborted) return;
      this.down(e.message || 'the event stream dropped');
      this.retry = setTimeout(() => this.open(), POLL_MS);
    }
  },
  handle(block) {
    let name = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) name = line.slice(6).trim();
      else if (line.startsWith('id:')) this.lastEventId = line.slice(3).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
    }
    if (name === 'transition') {
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => { this.pushRefreshes++; tick(true); }, 200);
    } else if (name === 'cut-off') {
      this.down('cut off by the service');
    }
    return data;
  },
};
window.gdsConsole = { get live() { return { mode: live.mode, reason: live.reason, pushRefreshes: live.pushRefreshes }; } };

/** The live label: how fresh the page is, and whether changes are pushed or only polled. */
function showLive() {
  if (!lastOk) return;
  const how = live.mode === 'push' ? 'live (pushed)' : `polling every ${POLL_MS / 1000} s (${live.reason})`;
  replace(el.live, h('span.dot'), `${how} · ${time(lastOk.toISOString()).slice(11)}`);
}

el.tokenForm.addEventListener('submit', async e => {
  e.preventDefault();
  token.set(el.tokenInput.value.trim());
  el.tokenInput.value = '';
  await loadSession();
  if (ctx.session.authenticated) { showStatus(null); route_(); } else el.tokenInput.focus();
});

onAuthError(error => {
  if (error.status === 401) {
    showAuth(explain(error));
  } else {
    showStatus(explain(error, 'This action'), 'error');
  }
});

function renderNav(active) {
  for (const a of el.nav.querySelectorAll('a')) {
    if (a.dataset.nav === active) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

function route_() {
  const route = parseRoute();
  const entry = ROUTES.find(r => r.match(route.path)) || ROUTES[1];
  const key = `${entry.nav}:${route.path.join('/')}`;
  renderNav(entry.nav);
  if (current && current.key === key && current.instance.update) {
    current.instance.update(route);
    tick(true);
    return;
  }
  if (current && current.instance.unmount) current.instance.unmount();
  showStatus(null);
  const container = h('div.view');
  replace(el.main, container);
  current = { key, instance: entry.view.mount(container, route, ctx) };
  tick(true);
}

async function tick(force = false) {
  if (!current || (!force && (document.hidden || inFlight))) return;
  if (!current.instance.refresh) {
    el.live.className = 'live';
    replace(el.live, 'not refreshed on this page');
    return;
  }
  if (inFlight) inFlight.abort();
  const controller = new AbortController();
  inFlight = controller;
  const started = performance.now();
  try {
    await current.instance.refresh(controller.signal);
    if (controller.signal.aborted) return;
    // What one live update costs, read by the console benchmark; the newest 100 are kept.
    if (performance.getEntriesByName('gds:refresh').length >= 100) performance.clearMeasures('gds:refresh');
    performance.measure('gds:refresh', { start: started });
    lastOk = new Date();
    showLive();
    el.live.className = 'live ok';
    if (el.status.classList.contains('error')) showStatus(null);
  } catch (e) {
    if (e.name === 'AbortError') return;
    el.live.className = 'live stale';
    replace(el.live, h('span.dot'), lastOk ? `stale since ${time(lastOk.toISOString()).slice(11)}` : 'not loaded');
    if (!e.isAuth || e.status === 403) showStatus(explain(e), 'error');
  } finally {
    if (inFlight === controller) inFlight = null;
  }
}

// Theme: dark by default (3 a.m.); "auto" follows the system (dark unless it asks for light); or light.
function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  localStorage.setItem('gds.console.theme', theme);
  replace(el.theme, `theme: ${theme}`);
}
el.theme.addEventListener('click', () => {
  const now = document.documentElement.dataset.theme || 'dark';
  applyTheme(THEMES[(THEMES.indexOf(now) + 1) % THEMES.length]);
});
applyTheme(THEMES.includes(localStorage.getItem('gds.console.theme')) ? localStorage.getItem('gds.console.theme') : 'dark');

// Keyboard: "/" search, "g" then a/s/o/r to go somewhere, "?" help, Esc closes help.
let pendingG = false;
document.addEventListener('keydown', e => {
  const typing = e.target.closest('input, textarea, select, [contenteditable]');
  if (e.key === 'Escape') { el.help.hidden = true; if (typing) e.target.blur(); return; }
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  if (pendingG) {
    pendingG = false;
    const to = { a: '#/alerts', s: '#/silences', o: '#/slo', r: '#/rules' }[e.key];
    if (to) { e.preventDefault(); location.hash = to; }
    return;
  }
  if (e.key === 'g') { pendingG = true; setTimeout(() => { pendingG = false; }, 1500); return; }
  if (e.key === '?') { el.help.hidden = !el.help.hidden; return; }
  if (e.key === '/') {
    const search = el.main.querySelector('input[type=search]');
    if (search) { e.preventDefault(); search.focus(); search.select(); }
    return;
  }
  if (current && current.instance.onKey) current.instance.onKey(e);
});
document.getElementById('help-open').addEventListener('click', () => { el.help.hidden = !el.help.hidden; });
document.getElementById('help-close').addEventListener('click', () => { el.help.hidden = true; });

window.addEventListener('hashchange', route_);
window.addEventListener('popstate', route_);
document.addEventListener('visibilitychange', () => { if (!document.hidden) tick(true); });
setInterval(() => tick(false), POLL_MS);

loadSession().then(route_);
