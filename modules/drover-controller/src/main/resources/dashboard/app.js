// The dashboard: sign-in, hash routing (#/queues, #/compute, #/hosts, #/jobs?queue=&state=&name=,
// #/jobs/<id>), the live event stream, and the views.

import { Api, LiveEvents, forgetCredentials, storeCredentials, storedCredentials } from './api.js';
import { errorBox, fill } from './dom.js';
import { ComputeView, HostsView, JobView, JobsView, QueuesView } from './views.js';

const $ = id => document.getElementById(id);

let context = null;
let live = null;
let view = null;

function flash(message, isError = false) {
  const box = $('flash');
  box.textContent = message;
  box.className = isError ? 'flash flash-error' : 'flash flash-ok';
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => { box.textContent = ''; box.className = 'flash'; }, 6000);
}

function route() {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'jobs' && parts[1]) {
    return { section: 'jobs', create: () => new JobView(context, decodeURIComponent(parts.slice(1).join('/'))) };
  }
  switch (parts[0]) {
    case 'compute': return { section: 'compute', create: () => new ComputeView(context) };
    case 'hosts': return { section: 'hosts', create: () => new HostsView(context) };
    case 'jobs': return { section: 'jobs', create: () => new JobsView(context, params) };
    default: return { section: 'queues', create: () => new QueuesView(context) };
  }
}

async function show() {
  if (!context) {
    return;
  }
  view?.dispose();
  const { section, create } = route();
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.section === section) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  view = create();
  const current = view;
  try {
    await current.render($('view'));
  } catch (e) {
    if (view === current) {
      fill($('view'), errorBox(e));
    }
  }
}

function setLive(isLive) {
  const indicator = $('live');
  const wasLive = indicator.dataset.live === 'true';
  indicator.dataset.live = String(isLive);
  indicator.textContent = isLive ? 'Live' : 'Reconnecting…';
  indicator.title = isLive ? 'Receiving job state changes as they happen' : 'The event stream is down; retrying';
  if (isLive && !wasLive && view) {
    view.onReconnect();
  }
}

async function signIn(credentials) {
  if (!window.isSecureContext || !crypto.subtle) {
    throw new Error('This page must be opened over HTTPS or on localhost: browsers offer the cryptography that '
      + 'signs requests only there.');
  }
  const api = new Api(credentials);
  const me = await api.whoami();
  context = { api, admin: me.admin, user: me, flash };
  $('sign-in').hidden = true;
  $('nav').hidden = false;
  $('session').hidden = false;
  $('user').textContent = me.userName;
  $('user').title = me.userArn;
  $('read-only').hidden = me.admin;
  document.body.dataset.admin = String(me.admin);
  live = new LiveEvents(api, { onChange: detail => view?.onJobChange(detail), onState: setLive });
  live.start();
  await show();
}

function signOut() {
  forgetCredentials();
  live?.stop();
  view?.dispose();
  context = null;
  live = null;
  view = null;
  fill($('view'));
  $('nav').hidden = true;
  $('session').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in').reset();
  $('access-key-id').focus();
}

function showSignIn(error) {
  $('sign-in').hidden = false;
  fill($('sign-in-error'), error ? errorBox(error) : null);
}

$('sign-in').addEventListener('submit', async event => {
  event.preventDefault();
  const form = new FormData(event.target);
  const credentials = {
    accessKeyId: form.get('accessKeyId').trim(),
    secretAccessKey: form.get('secretAccessKey').trim(),
    region: form.get('region').trim() || 'us-east-1',
  };
  fill($('sign-in-error'));
  try {
    await signIn(credentials);
    storeCredentials(credentials);
  } catch (e) {
    context = null;
    showSignIn(e);
  }
});

$('sign-out').addEventListener('click', signOut);
window.addEventListener('hashchange', show);

const saved = storedCredentials();
if (saved) {
  signIn(saved).catch(e => {
    forgetCredentials();
    showSignIn(e);
  });
} else {
  showSignIn(null);
}
