// Small DOM and formatting helpers. No framework: views build elements with h() and update them in place.

/** Creates an element: h('a#id.link', {href: '#'}, 'text', child). Attributes starting with "on" are listeners. */
export function h(tag, attrs, ...children) {
  const [head, ...classes] = tag.split('.');
  const [name, id] = head.split('#');
  const el = name === 'svg' || SVG_TAGS.has(name)
    ? document.createElementNS('http://www.w3.org/2000/svg', name)
    : document.createElement(name || 'div');
  if (classes.length) el.setAttribute('class', classes.join(' '));
  if (id) el.id = id;
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.setAttribute('class', [el.getAttribute('class'), v].filter(Boolean).join(' '));
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && !(el instanceof SVGElement) && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

const SVG_TAGS = new Set(['path', 'line', 'rect', 'circle', 'g', 'text', 'title', 'polyline']);

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Sets text only when it changed, so an unchanged cell is not touched (no flicker, selection kept). */
export function setText(el, text) {
  const s = text === null || text === undefined ? '' : String(text);
  if (el.textContent !== s) el.textContent = s;
}

export function setAttr(el, name, value) {
  if (value === null || value === undefined || value === false) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== String(value)) {
    el.setAttribute(name, String(value));
  }
}

const SECOND = 1000, MINUTE = 60 * SECOND, HOUR = 60 * MINUTE, DAY = 24 * HOUR;

/** "42s", "3m 12s", "2h 05m", "3d 4h". */
export function duration(ms) {
  if (ms === null || ms === undefined || !isFinite(ms)) return '';
  ms = Math.max(0, ms);
  if (ms < MINUTE) return `${Math.floor(ms / SECOND)}s`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)}m ${String(Math.floor(ms % MINUTE / SECOND)).padStart(2, '0')}s`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)}h ${String(Math.floor(ms % HOUR / MINUTE)).padStart(2, '0')}m`;
  return `${Math.floor(ms / DAY)}d ${Math.floor(ms % DAY / HOUR)}h`;
}

/** Compact window names: 300000 -> "5m", 3600000 -> "1h", 2592000000 -> "30d". */
export function windowName(ms) {
  if (ms % DAY === 0) return `${ms / DAY}d`;
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  if (ms % MINUTE === 0) return `${ms / MINUTE}m`;
  return `${ms / SECOND}s`;
}

export function ago(iso, now = Date.now()) {
  if (!iso) return '';
  return duration(now - Date.parse(iso));
}

/** Local date and time, to the second: what someone on call compares with their clock. */
export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function number(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '';
  if (!isFinite(v)) return v > 0 ? '∞' : '-∞';
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.001 || a >= 1e7)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

export function percent(v, digits = 2) {
  if (v === null || v === undefined || Number.isNaN(v)) return '';
  return `${(v * 100).toFixed(digits)}%`;
}

/** Debounces f by ms. */
export function debounce(f, ms) {
  let t;
  return (...args) => { clearTimeout(t); t = setTimeout(() => f(...args), ms); };
}

export const SEVERITIES = ['CRITICAL', 'HIGH', 'WARNING', 'INFO'];
export const STATES = ['FIRING', 'PENDING', 'ACKNOWLEDGED', 'RESOLVED'];

export function badge(kind, value) {
  return h(`span.badge.${kind}-${String(value || '').toLowerCase()}`, value ? value.toLowerCase() : '');
}
