// Small helpers to build the page's DOM (no HTML strings: nothing a job name holds is ever parsed
// as markup) and to format values.

/** An element: h('a', {href: '#/jobs', class: 'x'}, 'text', child, ...); null and false children are skipped. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's content. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

export const JOB_STATES = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED'];
export const FINAL_STATES = ['SUCCEEDED', 'FAILED'];

export function statusBadge(status) {
  return h('span', { class: `status status-${String(status ?? 'unknown').toLowerCase()}`, 'data-status': status }, status ?? '—');
}

export function time(millis) {
  if (!millis) {
    return '—';
  }
  const date = new Date(millis);
  return h('time', { datetime: date.toISOString(), title: date.toISOString() }, date.toLocaleString());
}

export function duration(from, to) {
  if (!from) {
    return '—';
  }
  let seconds = Math.max(0, Math.round(((to ?? Date.now()) - from) / 1000));
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  return hours > 0 ? `${hours} h ${minutes} min` : minutes > 0 ? `${minutes} min ${seconds} s` : `${seconds} s`;
}

export function money(value) {
  return value === null || value === undefined ? '—' : `$${Number(value).toFixed(4)}`;
}

export function number(value, digits = 2) {
  return value === null || value === undefined ? '—' : Number(value).toLocaleString(undefined, { maximumFractionDigits: digits });
}

/** The name at the end of an ARN (arn:...:job-queue/name -> name); a name stays as it is. */
export function nameOf(arnOrName) {
  return arnOrName ? arnOrName.slice(arnOrName.lastIndexOf('/') + 1) : '';
}

/** A bar showing used of total, with the numbers as text beside it for screen readers and eyes. */
export function usage(used, total, unit = '') {
  const share = total > 0 ? Math.min(1, used / total) : 0;
  return h('span', { class: 'usage' },
    h('meter', { min: 0, max: 1, value: share.toFixed(3), low: 0.7, high: 0.9, optimum: 0.5 }),
    h('span', {}, `${number(used)} / ${number(total)}${unit} (${Math.round(share * 100)}%)`));
}

export function table(caption, headers, rows, empty = 'Nothing to show.') {
  return h('div', { class: 'table-wrap' },
    h('table', {},
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, headers.map(header => h('th', { scope: 'col' }, header)))),
      h('tbody', {}, rows.length > 0 ? rows : h('tr', {}, h('td', { colspan: headers.length, class: 'empty' }, empty)))));
}

export function errorBox(error) {
  return h('div', { class: 'notice error', role: 'alert' },
    h('strong', {}, error.type ? `${error.type}: ` : 'Error: '), error.message);
}

export function notice(text) {
  return h('div', { class: 'notice' }, text);
}
