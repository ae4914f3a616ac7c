// The REST API as the console uses it: the token from sessionStorage on every request, and errors that
// say what the user can do about them.

const TOKEN_KEY = 'gds.console.token';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) || '',
  set: value => value ? sessionStorage.setItem(TOKEN_KEY, value) : sessionStorage.removeItem(TOKEN_KEY),
};

/** An answer other than 2xx, or no answer at all (status 0). */
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
  get isAuth() { return this.status === 401 || this.status === 403; }
}

/** What to tell the user for an error. */
export function explain(error, action = 'This') {
  if (!(error instanceof ApiError)) return String(error && error.message || error);
  switch (error.status) {
    case 0: return `The service did not answer (${error.message}). Retrying.`;
    case 401: return token.get()
      ? 'Your token was not accepted (401 Unauthorized): it is wrong or no longer configured. Enter a valid token.'
      : 'This service needs an API token (401 Unauthorized). Enter your token.';
    case 403: return `${action} needs a token with the "write" right; yours does not have it (403 Forbidden).`;
    case 404: return `Not found (404): ${error.message}`;
    case 503: return `The service is moving state between instances (503); retrying. ${error.message}`;
    default: return `${error.status}: ${error.message}`;
  }
}

const listeners = new Set();
/** Called with every 401/403, so the shell can show the token form. */
export function onAuthError(f) { listeners.add(f); }

async function call(method, path, body, signal) {
  const headers = { Accept: 'application/json' };
  const t = token.get();
  if (t) headers.Authorization = `Bearer ${t}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, cache: 'no-store' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, e.message || 'network error');
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) {
    let message = res.statusText;
    if (json) {
      // application/problem+json (docs/contracts.md, "Error answers"): the fields to blame, else the detail.
      message = json.invalid_params && json.invalid_params.length
        ? json.invalid_params.map(p => `${p.name}: ${p.reason}`).join('; ')
        : json.detail || json.message || message;
    }
    const error = new ApiError(res.status, message, json);
    if (error.isAuth) listeners.forEach(f => f(error));
    throw error;
  }
  return json;
}

const enc = encodeURIComponent;

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

// The service leaves empty lists and maps out of its JSON: put them back, so views need no checks.
const page = answer => ({ ...answer, items: answer.items || [], total: answer.total || 0, offset: answer.offset || 0 });
const alertOf = a => ({ ...a, labels: a.labels || {} });

export const api = {
  me: () => call('GET', '/api/v1/me').then(s => ({ ...s, rights: s.rights || [] })),
  alerts: (params, signal) => call('GET', `/api/v1/alerts${query(params)}`, undefined, signal)
    .then(p => ({ ...page(p), items: (p.items || []).map(alertOf), state_counts: p.state_counts || {}, severity_counts: p.severity_counts || {} })),
  alert: (key, signal) => call('GET', `/api/v1/alerts/${enc(key)}`, undefined, signal).then(alertOf),
  history: (key, signal) => call('GET', `/api/v1/alerts/${enc(key)}/history`, undefined, signal).then(h => h || []),
  values: (key, minutes, signal) => call('GET', `/api/v1/alerts/${enc(key)}/values${query({ minutes, points: 400 })}`, undefined, signal)
    .then(v => ({ ...v, points: v.points || [] })),
  ack: (key, body) => call('POST', `/api/v1/alerts/${enc(key)}/ack`, body),
  resolve: (key, body) => call('POST', `/api/v1/alerts/${enc(key)}/resolve`, body),
  rules: signal => call('GET', '/api/v1/rules', undefined, signal).then(r => r || []),
  rule: (id, signal) => call('GET', `/api/v1/rules/${enc(id)}`, undefined, signal),
  shadowDiff: (id, params, signal) => call('GET', `/api/v1/rules/${enc(id)}/shadow-diff${query(params)}`, undefined, signal)
    .then(d => ({ ...d, series: (d.series || []).map(s => ({ ...s, differences: s.differences || [] })) })),
  silences: signal => call('GET', '/api/v1/silences', undefined, signal).then(s => s || []),
  createSilence: body => call('POST', '/api/v1/silences', body),
  expireSilence: id => call('DELETE', `/api/v1/silences/${enc(id)}`),
  slos: (params, signal) => call('GET', `/api/v1/slo${query(params)}`, undefined, signal)
    .then(p => ({ ...page(p), items: (p.items || []).map(s => ({ ...s, windows: s.windows || [] })) })),
  slo: (rule, instance, signal) => call('GET', `/api/v1/slo/${enc(rule)}/${enc(instance)}`, undefined, signal)
    .then(s => ({ ...s, windows: s.windows || [] })),
};
