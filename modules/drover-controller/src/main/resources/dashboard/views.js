// The dashboard's pages. Each view renders into the main element, reloads on demand, and takes
// job state changes from the event stream while it is shown.

import { ApiError } from './api.js';
import {
  FINAL_STATES, JOB_STATES, duration, errorBox, fill, h, money, nameOf, notice, number, statusBadge, table, time, usage,
} from './dom.js';

const LIST_CAP = 100;
const HOST_JOBS_SHOWN = 5;

/** Answers null where the controller has no such endpoint (404), so the page can say so. */
async function optional(promise) {
  try {
    return await promise;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      return null;
    }
    throw e;
  }
}

function notAvailable(what) {
  return notice(`${what} is not available on this controller (it answered 404); it may run an older Drover.`);
}

async function allPages(fetchPage, listKey) {
  const items = [];
  let nextToken;
  do {
    const page = await fetchPage(nextToken);
    items.push(...page[listKey]);
    nextToken = page.nextToken;
  } while (nextToken);
  return items;
}

function queues(api) {
  return allPages(nextToken => api.batch('describejobqueues', nextToken ? { nextToken } : {}), 'jobQueues');
}

function vcpusOf(resourceRequirements) {
  const vcpu = (resourceRequirements ?? []).find(r => r.type === 'VCPU');
  return vcpu ? Number(vcpu.value) : 0;
}

/**
 * Base class: one pending reload at a time, errors shown in place, disposal stops timers.
 * `reloadDelay` bounds how often job state changes reload the view: the overview pages make
 * several calls per reload, so they gather a few seconds of changes into one.
 */
class View {
  constructor(context, reloadDelay = 3000) {
    this.context = context;
    this.api = context.api;
    this.reloadDelay = reloadDelay;
    this.reloadTimer = null;
    this.disposed = false;
  }

  scheduleReload() {
    if (this.reloadTimer === null && !this.disposed) {
      this.reloadTimer = setTimeout(() => {
        this.reloadTimer = null;
        this.reload();
      }, this.reloadDelay);
    }
  }

  async reload() {
    if (this.disposed) {
      return;
    }
    try {
      await this.load();
    } catch (e) {
      if (!this.disposed) {
        fill(this.body, errorBox(e));
      }
    }
  }

  onJobChange() {}

  onReconnect() {
    this.scheduleReload();
  }

  dispose() {
    this.disposed = true;
    clearTimeout(this.reloadTimer);
  }

  /** An operator's button: only shown to operators; the server checks the call anyway. */
  action(label, run, { danger = false, confirmText = null } = {}) {
    if (!this.context.admin) {
      return null;
    }
    return h('button', {
      type: 'button',
      class: danger ? 'button danger' : 'button',
      'data-action': label,
      onclick: async event => {
        if (confirmText && !confirm(confirmText)) {
          return;
        }
        event.target.disabled = true;
        try {
          await run();
          this.context.flash(`${label}: done.`);
          this.scheduleReload();
        } catch (e) {
          this.context.flash(`${label} failed: ${e.message}`, true);
        } finally {
          event.target.disabled = false;
        }
      },
    }, label);
  }
}

export class QueuesView extends View {
  render(main) {
    this.body = h('div', { class: 'view-body' }, notice('Loading queues…'));
    fill(main, h('h1', {}, 'Job queues'), this.body);
    return this.reload();
  }

  async load() {
    const [jobQueues, countsAnswer] = await Promise.all([queues(this.api), optional(this.api.get('/drover/v1/job-counts'))]);
    const counts = countsAnswer ? countsAnswer.queues : await this.countByListing(jobQueues);
    const policyArns = [...new Set(jobQueues.map(q => q.schedulingPolicyArn).filter(Boolean))];
    const policies = policyArns.length > 0
      ? (await this.api.batch('describeschedulingpolicies', { arns: policyArns })).schedulingPolicies
      : [];
    const shares = await this.shareUsage(jobQueues.filter(q => q.schedulingPolicyArn));
    if (this.disposed) {
      return;
    }
    const rows = jobQueues
      .sort((a, b) => b.priority - a.priority || a.jobQueueName.localeCompare(b.jobQueueName))
      .map(queue => {
        const name = queue.jobQueueName;
        const enabled = queue.state === 'ENABLED';
        return h('tr', { 'data-queue': name },
          h('th', { scope: 'row' }, h('a', { href: `#/jobs?queue=${encodeURIComponent(name)}` }, name)),
          h('td', {}, h('span', { class: enabled ? 'state state-on' : 'state state-off' }, queue.state),
            queue.status && queue.status !== 'VALID' ? h('div', { class: 'muted' }, queue.status, ' ', queue.statusReason ?? '') : null),
          h('td', { class: 'num' }, queue.priority),
          h('td', {}, (queue.computeEnvironmentOrder ?? []).sort((a, b) => a.order - b.order)
            .map(o => nameOf(o.computeEnvironment)).join(', ')),
          JOB_STATES.map(state => {
            const n = counts[name]?.[state];
            return h('td', { class: 'num' }, n === undefined || n === 0 ? h('span', { class: 'muted' }, '0')
              : h('a', { href: `#/jobs?queue=${encodeURIComponent(name)}&state=${state}`, 'data-count': state }, String(n)));
          }),
          h('td', {}, this.action(enabled ? 'Disable' : 'Enable',
            () => this.api.batch('updatejobqueue', { jobQueue: name, state: enabled ? 'DISABLED' : 'ENABLED' }),
            { danger: enabled, confirmText: enabled ? `Disable queue ${name}? It stops starting new jobs.` : null })));
      });
    fill(this.body,
      table('Job queues', ['Queue', 'State', 'Priority', 'Compute environments', ...JOB_STATES.map(s => s.toLowerCase()), ''],
        rows, 'No job queues yet. Create one with aws batch create-job-queue.'),
      countsAnswer ? null : h('p', { class: 'muted' },
        `Counts come from listing each state, capped at ${LIST_CAP} ("${LIST_CAP}+").`),
      this.fairShare(jobQueues, policies, shares));
  }

  async countByListing(jobQueues) {
    const counts = {};
    await Promise.all(jobQueues.flatMap(queue => JOB_STATES.map(async state => {
      const page = await this.api.batch('listjobs', { jobQueue: queue.jobQueueName, jobStatus: state, maxResults: LIST_CAP });
      counts[queue.jobQueueName] ??= {};
      counts[queue.jobQueueName][state] = page.nextToken ? `${LIST_CAP}+` : page.jobSummaryList.length;
    })));
    return counts;
  }

  /**
   * Each fair-share queue's shares, by share identifier: what they hold and their usage as the
   * scheduler counts them (GET /drover/v1/fair-share), or, from a controller without it, the vCPUs
   * its first running jobs hold.
   */
  async shareUsage(fairShareQueues) {
    if (fairShareQueues.length === 0) {
      return {};
    }
    const answer = await optional(this.api.get('/drover/v1/fair-share'));
    const usageByQueue = {};
    if (answer) {
      for (const queue of fairShareQueues) {
        const byShare = {};
        for (const share of answer.queues[queue.jobQueueName]?.shares ?? []) {
          byShare[share.shareIdentifier] = { held: share.heldVcpus, usage: share.usageVcpus };
        }
        usageByQueue[queue.jobQueueName] = { byShare, fromScheduler: true, capped: false };
      }
      return usageByQueue;
    }
    await Promise.all(fairShareQueues.map(async queue => {
      const running = await this.api.batch('listjobs', { jobQueue: queue.jobQueueName, jobStatus: 'RUNNING', maxResults: LIST_CAP });
      const ids = running.jobSummaryList.map(j => j.jobId);
      const jobs = ids.length > 0 ? (await this.api.batch('describejobs', { jobs: ids })).jobs : [];
      const byShare = {};
      for (const job of jobs) {
        const share = job.shareIdentifier ?? '(none)';
        byShare[share] ??= { held: 0, usage: 0 };
        byShare[share].held += vcpusOf(job.container?.resourceRequirements);
        byShare[share].usage = byShare[share].held;
      }
      usageByQueue[queue.jobQueueName] = { byShare, fromScheduler: false, capped: Boolean(running.nextToken) };
    }));
    return usageByQueue;
  }

  fairShare(jobQueues, policies, shares) {
    const fairShareQueues = jobQueues.filter(q => q.schedulingPolicyArn);
    if (fairShareQueues.length === 0) {
      return null;
    }
    return h('section', { class: 'panel' },
      h('h2', {}, 'Fair-share usage'),
      fairShareQueues.map(queue => {
        const policy = policies.find(p => p.arn === queue.schedulingPolicyArn);
        const weights = Object.fromEntries((policy?.fairsharePolicy?.shareDistribution ?? [])
          .map(d => [d.shareIdentifier, d.weightFactor ?? 1]));
        const used = shares[queue.jobQueueName];
        const names = [...new Set([...Object.keys(weights), ...Object.keys(used.byShare)])].sort();
        const totalUsage = Object.values(used.byShare).reduce((sum, s) => sum + s.usage, 0);
        return h('div', { class: 'fair-share', 'data-fair-share': queue.jobQueueName },
          h('h3', {}, queue.jobQueueName, ' ', h('span', { class: 'muted' }, `policy ${policy?.name ?? nameOf(queue.schedulingPolicyArn)}`,
            policy?.fairsharePolicy?.shareDecaySeconds ? `, decay ${policy.fairsharePolicy.shareDecaySeconds} s` : '',
            policy?.fairsharePolicy?.computeReservation ? `, reservation ${policy.fairsharePolicy.computeReservation}%` : '')),
          table(`Fair-share usage of ${queue.jobQueueName}`, ['Share', 'Weight factor', 'vCPUs held', 'Usage (vCPU)', 'Share of usage'],
            names.map(share => {
              const s = used.byShare[share] ?? { held: 0, usage: 0 };
              return h('tr', { 'data-share': share },
                h('th', { scope: 'row' }, share), h('td', { class: 'num' }, weights[share] ?? '—'),
                h('td', { class: 'num' }, number(s.held)), h('td', { class: 'num' }, number(s.usage)),
                h('td', {}, usage(s.usage, totalUsage, ' vCPU')));
            }), 'No shares defined and nothing running.'),
          used.fromScheduler
            ? h('p', { class: 'muted' }, 'Usage is what the scheduler orders shares by: each share\'s average vCPU over the '
              + 'policy\'s decay time (what it holds now without one); the lowest usage times weight factor goes next.')
            : h('p', { class: 'muted' }, 'This controller does not report the scheduler\'s usage: vCPUs held by running jobs'
              + (used.capped ? `, counted over the first ${LIST_CAP}.` : '.')));
      }));
  }

  onJobChange() {
    this.scheduleReload();
  }
}

export class ComputeView extends View {
  render(main) {
    this.body = h('div', { class: 'view-body' }, notice('Loading compute environments…'));
    fill(main, h('h1', {}, 'Compute environments'), this.body);
    return this.reload();
  }

  async load() {
    const [environments, hostsAnswer, cost] = await Promise.all([
      allPages(nextToken => this.api.batch('describecomputeenvironments', nextToken ? { nextToken } : {}), 'computeEnvironments'),
      optional(this.api.get('/drover/v1/hosts')),
      this.costByEnvironment(),
    ]);
    if (this.disposed) {
      return;
    }
    const hosts = hostsAnswer?.hosts ?? [];
    const rows = environments.sort((a, b) => a.computeEnvironmentName.localeCompare(b.computeEnvironmentName)).map(ce => {
      const name = ce.computeEnvironmentName;
      const own = hosts.filter(host => nameOf(host.computeEnvironment) === name);
      const vcpus = own.reduce((sum, host) => sum + host.vcpus, 0);
      const used = own.reduce((sum, host) => sum + host.usedVcpus, 0);
      const spot = own.filter(host => host.lifecycle === 'SPOT').length;
      const priced = own.filter(host => host.hourlyPrice !== null && host.hourlyPrice !== undefined);
      const hourly = priced.reduce((sum, host) => sum + host.hourlyPrice, 0);
      const resources = ce.computeResources;
      const spent = cost?.groups.find(group => group.key === name);
      return h('tr', { 'data-compute-environment': name },
        h('th', { scope: 'row' }, name),
        h('td', {}, ce.type, resources?.type ? ` (${resources.type})` : ''),
        h('td', {}, h('span', { class: ce.state === 'ENABLED' ? 'state state-on' : 'state state-off' }, ce.state),
          ce.status && ce.status !== 'VALID' ? h('div', { class: 'muted' }, ce.status, ' ', ce.statusReason ?? '') : null),
        h('td', { class: 'num' }, resources ? `${resources.minvCpus ?? 0} / ${resources.desiredvCpus ?? 0} / ${resources.maxvCpus}` : '—'),
        h('td', { class: 'num' }, hostsAnswer ? number(vcpus) : '—'),
        h('td', { class: 'num' }, hostsAnswer ? own.length : '—'),
        h('td', {}, hostsAnswer ? usage(used, vcpus, ' vCPU') : '—'),
        h('td', {}, hostsAnswer ? `${spot} Spot / ${own.length - spot} On-Demand` : '—'),
        h('td', { class: 'num' }, hostsAnswer && priced.length > 0 ? `${money(hourly)}/h` : '—'),
        h('td', { class: 'num' }, spent ? money(spent.cost) : '—'));
    });
    fill(this.body,
      hostsAnswer ? null : notAvailable('The host list (GET /drover/v1/hosts)'),
      table('Compute environments', ['Name', 'Type', 'State', 'vCPUs min / desired / max', 'Actual vCPUs', 'Hosts',
        'Utilisation', 'Capacity', 'Cost per hour', 'Cost, last 24 h'], rows,
      'No compute environments yet. Create one with aws batch create-compute-environment.'),
      cost ? null : h('p', { class: 'muted' }, 'The cost report needs drover:GetCostReport; it is left out.'));
  }

  async costByEnvironment() {
    try {
      return await this.api.get('/drover/v1/cost', [['groupBy', 'computeEnvironment']]);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 403 || e.status === 404)) {
        return null;
      }
      throw e;
    }
  }
}

export class HostsView extends View {
  render(main) {
    this.body = h('div', { class: 'view-body' }, notice('Loading hosts…'));
    this.dialog = this.drainDialog();
    fill(main, h('h1', {}, 'Hosts'), this.body, this.dialog);
    return this.reload();
  }

  async load() {
    const answer = await optional(this.api.get('/drover/v1/hosts'));
    if (this.disposed) {
      return;
    }
    if (!answer) {
      fill(this.body, notAvailable('The host list (GET /drover/v1/hosts)'));
      return;
    }
    const rows = answer.hosts.sort((a, b) => (a.host ?? a.hostId).localeCompare(b.host ?? b.hostId)).map(host => h('tr', { 'data-host': host.hostId },
      h('th', { scope: 'row' }, host.host ?? host.hostId, h('div', { class: 'muted' }, host.instanceId ?? '')),
      h('td', {}, nameOf(host.computeEnvironment)),
      h('td', {}, host.instanceType ?? '—', h('div', { class: 'muted' }, host.executor ?? '')),
      h('td', {}, h('span', { class: host.lifecycle === 'SPOT' ? 'tag tag-spot' : 'tag' }, host.lifecycle === 'SPOT' ? 'Spot' : 'On-Demand')),
      h('td', {}, usage(host.usedVcpus, host.vcpus, ' vCPU')),
      h('td', {}, usage(host.usedMemoryMiB, host.memoryMiB, ' MiB')),
      h('td', {}, this.runningJobs(host.runningJobs ?? [])),
      h('td', {}, this.hostState(host)),
      h('td', { class: 'num' }, host.hourlyPrice === null || host.hourlyPrice === undefined ? '—' : `${money(host.hourlyPrice)}/h`),
      h('td', {}, host.drained
        ? this.action('Undrain', () => this.api.post(`/drover/v1/hosts/${encodeURIComponent(host.hostId)}/undrain`, {}))
        : this.context.admin ? h('button', { type: 'button', class: 'button danger', 'data-action': 'Drain',
          onclick: () => this.askDrain(host) }, 'Drain') : null)));
    fill(this.body, table('Hosts', ['Host', 'Compute environment', 'Instance type', 'Lifecycle', 'vCPUs', 'Memory',
      'Running jobs', 'State', 'Price', ''], rows, 'No hosts have registered.'));
  }

  /** The first few running jobs by the start of their id (the whole id on hover), and how many more. */
  runningJobs(ids) {
    if (ids.length === 0) {
      return h('span', { class: 'muted' }, 'none');
    }
    const shown = ids.slice(0, HOST_JOBS_SHOWN);
    return h('ul', { class: 'plain' },
      shown.map(id => h('li', {}, h('a', { href: `#/jobs/${encodeURIComponent(id)}`, title: id, class: 'mono' }, `${id.slice(0, 8)}…`))),
      ids.length > shown.length ? h('li', { class: 'muted' }, `and ${ids.length - shown.length} more`) : null);
  }

  hostState(host) {
    const parts = [];
    if (host.drained) {
      parts.push(h('span', { class: 'state state-off' }, 'Draining'),
        h('div', { class: 'muted' }, host.drained.reason ?? '', host.drained.drainedBy ? ` (${nameOf(host.drained.drainedBy)}` : '',
          host.drained.drainedAt ? [', ', time(host.drained.drainedAt)] : '', host.drained.drainedBy ? ')' : ''));
    } else if (host.schedulable) {
      parts.push(h('span', { class: 'state state-on' }, 'Schedulable'));
    } else {
      parts.push(h('span', { class: 'state state-off' }, 'Not schedulable'));
    }
    if (host.spotNotice) {
      parts.push(h('div', { class: 'tag tag-spot' }, 'Spot interruption notice'));
    }
    return parts;
  }

  drainDialog() {
    const reason = h('input', { id: 'drain-reason', name: 'reason', required: true, maxlength: 256, autocomplete: 'off' });
    const dialog = h('dialog', { 'aria-labelledby': 'drain-title' },
      h('form', { method: 'dialog', class: 'stack', onsubmit: event => {
        if (event.submitter?.value !== 'drain') {
          return;
        }
        event.preventDefault();
        const host = this.draining;
        dialog.close();
        this.api.post(`/drover/v1/hosts/${encodeURIComponent(host.hostId)}/drain`, { reason: reason.value })
          .then(() => { this.context.flash(`Draining ${host.host ?? host.hostId}.`); this.scheduleReload(); })
          .catch(e => this.context.flash(`Drain failed: ${e.message}`, true));
      } },
      h('h2', { id: 'drain-title' }, 'Drain host'),
      h('p', { class: 'muted' }, 'A drained host starts no new jobs; its running jobs finish.'),
      h('label', { for: 'drain-reason' }, 'Reason'), reason,
      h('div', { class: 'row' },
        h('button', { type: 'submit', value: 'cancel', class: 'button', formnovalidate: true }, 'Cancel'),
        h('button', { type: 'submit', value: 'drain', class: 'button danger' }, 'Drain'))));
    this.reasonInput = reason;
    return dialog;
  }

  askDrain(host) {
    this.draining = host;
    this.reasonInput.value = '';
    this.dialog.showModal();
  }

  onJobChange() {
    this.scheduleReload();
  }
}

export class JobsView extends View {
  constructor(context, params) {
    super(context, 500);
    this.params = params;
    this.tokens = [];
    this.page = null;
  }

  async render(main) {
    this.body = h('div', { class: 'view-body' }, notice('Loading jobs…'));
    const names = await this.queueNames();
    if (this.disposed) {
      return;
    }
    this.queue = this.params.get('queue') ?? names?.[0];
    this.state = this.params.get('state') ?? '';
    this.name = this.params.get('name') ?? '';
    fill(main, h('h1', {}, 'Jobs'), this.filterForm(names), this.body);
    if (!this.queue) {
      fill(this.body, notice(names ? 'There are no job queues yet.' : 'Name a queue to list its jobs.'));
      return;
    }
    await this.reload();
  }

  /** The queues' names, or null for a user who may list jobs but not describe queues (they type the queue's name). */
  async queueNames() {
    try {
      return (await queues(this.api)).map(q => q.jobQueueName).sort();
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) {
        return null;
      }
      throw e;
    }
  }

  filterForm(names) {
    const queue = names
      ? h('select', { id: 'filter-queue', name: 'queue' }, names.map(n => h('option', { value: n, selected: n === this.queue }, n)))
      : h('input', { id: 'filter-queue', name: 'queue', required: true, value: this.queue ?? '', autocomplete: 'off',
        spellcheck: 'false' });
    const state = h('select', { id: 'filter-state', name: 'state' },
      h('option', { value: '' }, 'Any state'),
      JOB_STATES.map(s => h('option', { value: s, selected: s === this.state }, s)));
    const name = h('input', { id: 'filter-name', name: 'name', type: 'search', value: this.name,
      placeholder: 'name, or prefix*', autocomplete: 'off' });
    return h('form', { class: 'filters', role: 'search', onsubmit: event => {
      event.preventDefault();
      const query = new URLSearchParams();
      query.set('queue', queue.value.trim());
      if (state.value) {
        query.set('state', state.value);
      }
      if (name.value.trim()) {
        query.set('name', name.value.trim());
      }
      location.hash = `#/jobs?${query}`;
    } },
    h('div', { class: 'field' }, h('label', { for: 'filter-queue' }, 'Queue'), queue),
    h('div', { class: 'field' }, h('label', { for: 'filter-state' }, 'State'), state),
    h('div', { class: 'field' }, h('label', { for: 'filter-name' }, 'Name'), name),
    h('button', { type: 'submit', class: 'button primary' }, 'Apply'));
  }

  /**
   * ListJobs lists one state unless a filter is given; "any state" asks for everything created
   * since the epoch, and a name filter lists every state (so a chosen state is applied here).
   */
  request(nextToken) {
    const request = { jobQueue: this.queue, maxResults: LIST_CAP };
    if (this.name) {
      request.filters = [{ name: 'JOB_NAME', values: [this.name] }];
    } else if (this.state) {
      request.jobStatus = this.state;
    } else {
      request.filters = [{ name: 'AFTER_CREATED_AT', values: ['0'] }];
    }
    if (nextToken) {
      request.nextToken = nextToken;
    }
    return request;
  }

  async load() {
    const token = this.tokens[this.tokens.length - 1];
    const page = await this.api.batch('listjobs', this.request(token));
    if (this.disposed) {
      return;
    }
    this.page = page;
    const jobs = page.jobSummaryList.filter(job => !this.name || !this.state || job.status === this.state);
    this.rows = new Map();
    const rows = jobs.map(job => {
      const row = this.row(job);
      this.rows.set(job.jobId, row);
      return row;
    });
    fill(this.body,
      table(`Jobs of queue ${this.queue}`, ['Name', 'Job ID', 'Status', 'Reason', 'Created', 'Started', 'Stopped', 'Array'],
        rows, 'No jobs match.'),
      h('nav', { class: 'pager', 'aria-label': 'Pages' },
        h('button', { type: 'button', class: 'button', disabled: this.tokens.length === 0, onclick: () => {
          this.tokens = [];
          this.reload();
        } }, 'First page'),
        h('span', { class: 'muted' }, `Page ${this.tokens.length + 1}`),
        h('button', { type: 'button', class: 'button', disabled: !page.nextToken, onclick: () => {
          this.tokens.push(page.nextToken);
          this.reload();
        } }, 'Next page')));
  }

  row(job) {
    const array = job.arrayProperties;
    return h('tr', { 'data-job-id': job.jobId },
      h('th', { scope: 'row' }, h('a', { href: `#/jobs/${encodeURIComponent(job.jobId)}` }, job.jobName)),
      h('td', { class: 'mono' }, job.jobId),
      h('td', { class: 'job-status' }, statusBadge(job.status)),
      h('td', { class: 'reason' }, job.statusReason ?? ''),
      h('td', {}, time(job.createdAt)),
      h('td', {}, time(job.startedAt)),
      h('td', {}, time(job.stoppedAt)),
      h('td', {}, array?.size ? `${array.size} children` : array?.index !== undefined ? `index ${array.index}` : ''));
  }

  onJobChange(detail) {
    if (nameOf(detail.jobQueue) !== this.queue) {
      return;
    }
    const row = this.rows?.get(detail.jobId);
    const shown = !this.state || detail.status === this.state;
    if (row && shown) {
      row.replaceWith(this.rows.set(detail.jobId, this.row(detail)).get(detail.jobId));
    } else if (this.tokens.length === 0) {
      this.scheduleReload();
    }
  }
}

export class JobView extends View {
  constructor(context, jobId) {
    super(context, 500);
    this.jobId = jobId;
    this.attempt = null;
    this.follow = false;
    this.followTimer = null;
  }

  render(main) {
    this.body = h('div', { class: 'view-body' }, notice('Loading job…'));
    fill(main, this.body);
    return this.reload();
  }

  async load() {
    const [job] = (await this.api.batch('describejobs', { jobs: [this.jobId] })).jobs;
    if (this.disposed) {
      return;
    }
    if (!job) {
      fill(this.body, h('h1', {}, 'Job'), notice(`No job ${this.jobId}, or you may not see its queue.`));
      return;
    }
    this.show(job);
  }

  show(job) {
    this.job = job;
    const final = FINAL_STATES.includes(job.status);
    const queue = nameOf(job.jobQueue);
    const actions = final ? [] : [
      ['SUBMITTED', 'PENDING', 'RUNNABLE'].includes(job.status)
        ? this.action('Cancel job', () => this.api.batch('canceljob', { jobId: job.jobId, reason: 'Cancelled from the dashboard' }),
          { danger: true, confirmText: `Cancel ${job.jobName}?` }) : null,
      this.action('Terminate job', () => this.api.batch('terminatejob', { jobId: job.jobId, reason: 'Terminated from the dashboard' }),
        { danger: true, confirmText: `Terminate ${job.jobName}? A running attempt is stopped.` }),
    ];
    const definitionList = pairs => h('dl', { class: 'facts' },
      pairs.filter(([, value]) => value !== null && value !== undefined && value !== '')
        .map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
    this.logs = this.logs ?? h('pre', { class: 'logs', tabindex: 0, 'aria-label': 'Job output', 'aria-live': 'polite' }, '');
    fill(this.body,
      h('p', {}, h('a', { href: `#/jobs?queue=${encodeURIComponent(queue)}` }, `← Jobs of ${queue}`)),
      h('div', { class: 'title-row' },
        h('h1', {}, job.jobName, ' ', h('span', { class: 'job-status', id: 'job-status' }, statusBadge(job.status))),
        h('div', { class: 'row' }, actions)),
      job.statusReason ? h('p', { class: 'status-reason' }, job.statusReason) : null,
      h('section', { class: 'panel' }, h('h2', {}, 'Details'), definitionList([
        ['Job ID', h('span', { class: 'mono' }, job.jobId)],
        ['ARN', h('span', { class: 'mono' }, job.jobArn)],
        ['Queue', h('a', { href: `#/jobs?queue=${encodeURIComponent(queue)}` }, queue)],
        ['Definition', nameOf(job.jobDefinition)],
        ['Share', job.shareIdentifier],
        ['Scheduling priority', job.schedulingPriority],
        ['Created', time(job.createdAt)],
        ['Started', time(job.startedAt)],
        ['Stopped', time(job.stoppedAt)],
        ['Run time', job.startedAt ? duration(job.startedAt, job.stoppedAt) : null],
        ['Retry attempts', job.retryStrategy?.attempts],
        ['Timeout', job.timeout?.attemptDurationSeconds ? `${job.timeout.attemptDurationSeconds} s` : null],
      ])),
      this.dependencies(job),
      this.arrayProgress(job),
      this.attempts(job),
      this.container(job),
      this.logPanel(job));
    this.loadLogs();
  }

  dependencies(job) {
    if (!job.dependsOn?.length) {
      return null;
    }
    return h('section', { class: 'panel' }, h('h2', {}, 'Depends on'),
      h('ul', { class: 'plain' }, job.dependsOn.map(d => h('li', {},
        h('a', { href: `#/jobs/${encodeURIComponent(d.jobId)}`, class: 'mono' }, d.jobId), d.type ? ` (${d.type})` : ''))));
  }

  arrayProgress(job) {
    const array = job.arrayProperties;
    if (!array || (!array.size && array.index === undefined)) {
      return null;
    }
    if (!array.size) {
      return h('section', { class: 'panel' }, h('h2', {}, 'Array'), h('p', {}, `Child at index ${array.index}.`));
    }
    const summary = array.statusSummary ?? {};
    const done = (summary.SUCCEEDED ?? 0) + (summary.FAILED ?? 0);
    return h('section', { class: 'panel' }, h('h2', {}, 'Array progress'),
      h('progress', { max: array.size, value: done, 'aria-label': 'Children finished' }),
      h('p', {}, `${done} of ${array.size} children finished.`),
      h('ul', { class: 'counts' }, JOB_STATES.map(s => h('li', {}, statusBadge(s), ' ', summary[s] ?? 0))));
  }

  attempts(job) {
    return h('section', { class: 'panel' }, h('h2', {}, 'Attempts'),
      table('Attempts', ['#', 'Started', 'Stopped', 'Exit code', 'Reason', 'Host', 'Log stream'],
        (job.attempts ?? []).map((attempt, i) => h('tr', {},
          h('th', { scope: 'row' }, i + 1),
          h('td', {}, time(attempt.startedAt)),
          h('td', {}, time(attempt.stoppedAt)),
          h('td', { class: 'num' }, attempt.container?.exitCode ?? '—'),
          h('td', {}, attempt.statusReason ?? attempt.container?.reason ?? ''),
          h('td', {}, nameOf(attempt.container?.containerInstanceArn) || '—'),
          h('td', { class: 'mono' }, attempt.container?.logStreamName ?? ''))),
        'No attempt has started yet.'));
  }

  container(job) {
    const c = job.container;
    if (!c) {
      return null;
    }
    const requirement = type => c.resourceRequirements?.find(r => r.type === type)?.value;
    return h('section', { class: 'panel' }, h('h2', {}, 'Container'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Image'), h('dd', { class: 'mono' }, c.image ?? '—'),
        h('dt', {}, 'Command'), h('dd', { class: 'mono' }, (c.command ?? []).join(' ') || '—'),
        h('dt', {}, 'vCPUs'), h('dd', {}, requirement('VCPU') ?? '—'),
        h('dt', {}, 'Memory'), h('dd', {}, requirement('MEMORY') ? `${requirement('MEMORY')} MiB` : '—'),
        c.exitCode !== undefined ? [h('dt', {}, 'Exit code'), h('dd', {}, c.exitCode)] : null,
        c.environment?.length ? [h('dt', {}, 'Environment'),
          h('dd', { class: 'mono' }, c.environment.map(e => h('div', {}, `${e.name}=${e.value}`)))] : null));
  }

  logPanel(job) {
    const count = job.attempts?.length ?? 0;
    const attempt = h('select', { id: 'log-attempt', onchange: event => {
      this.attempt = Number(event.target.value) || null;
      this.loadLogs();
    } },
    h('option', { value: '' }, 'Latest attempt'),
    Array.from({ length: count }, (_, i) => h('option', { value: i + 1, selected: this.attempt === i + 1 }, `Attempt ${i + 1}`)));
    const follow = h('input', { type: 'checkbox', id: 'log-follow', checked: this.follow, onchange: event => {
      this.follow = event.target.checked;
      this.scheduleFollow();
    } });
    return h('section', { class: 'panel' },
      h('div', { class: 'title-row' }, h('h2', {}, 'Logs'),
        h('div', { class: 'row' },
          h('label', { for: 'log-attempt', class: 'visually-hidden' }, 'Attempt'), attempt,
          h('span', { class: 'check' }, follow, h('label', { for: 'log-follow' }, 'Follow')),
          h('button', { type: 'button', class: 'button', onclick: () => this.loadLogs() }, 'Refresh'))),
      this.logs);
  }

  async loadLogs() {
    if (!this.job?.attempts?.length && !['STARTING', 'RUNNING'].includes(this.job?.status)) {
      fill(this.logs, 'No output yet: the job has not started an attempt.');
      return;
    }
    try {
      const text = await this.api.logs(this.jobId, this.attempt);
      if (!this.disposed) {
        const atBottom = this.logs.scrollTop + this.logs.clientHeight >= this.logs.scrollHeight - 4;
        fill(this.logs, text === '' ? 'No output.' : text);
        if (this.follow || atBottom) {
          this.logs.scrollTop = this.logs.scrollHeight;
        }
      }
    } catch (e) {
      fill(this.logs, e.status === 404 ? 'No output yet.' : `Could not read the logs: ${e.message}`);
    }
    this.scheduleFollow();
  }

  scheduleFollow() {
    clearTimeout(this.followTimer);
    if (this.follow && !this.disposed && !FINAL_STATES.includes(this.job?.status)) {
      this.followTimer = setTimeout(() => this.loadLogs(), 2000);
    }
  }

  onJobChange(detail) {
    if (detail.jobId === this.jobId) {
      this.show(detail);
    } else if (this.job?.arrayProperties?.size && detail.jobId.startsWith(`${this.jobId}:`)) {
      this.scheduleReload();
    }
  }

  dispose() {
    super.dispose();
    clearTimeout(this.followTimer);
  }
}
