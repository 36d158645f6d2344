// Drives the Drover dashboard in headless Chromium, as DashboardTest runs it: sign in, the pages
// load, a submitted job appears and reaches SUCCEEDED through live updates, its log shows, a
// read-only user sees no operator actions. Screenshots of each page go to DROVER_SCREENSHOTS.
//
// Environment: DROVER_ENDPOINT (http://127.0.0.1:<port>), DROVER_ADMIN_KEY_ID/_SECRET,
// DROVER_READER_KEY_ID/_SECRET, DROVER_QUEUE, DROVER_FAIR_QUEUE, DROVER_JOB_DEFINITION, DROVER_LOG_LINE (what the
// job prints), DROVER_SCREENSHOTS (a directory), optionally CHROMIUM (default /usr/bin/chromium).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`Set ${name}: DashboardTest passes it in the environment.`);
  }
  return value;
}

const endpoint = required('DROVER_ENDPOINT');
const admin = { id: required('DROVER_ADMIN_KEY_ID'), secret: required('DROVER_ADMIN_SECRET') };
const reader = { id: required('DROVER_READER_KEY_ID'), secret: required('DROVER_READER_SECRET') };
const queue = required('DROVER_QUEUE');
const fairQueue = required('DROVER_FAIR_QUEUE');
const jobDefinition = required('DROVER_JOB_DEFINITION');
const logLine = required('DROVER_LOG_LINE');
const screenshots = required('DROVER_SCREENSHOTS');
const WAIT = { timeout: 120_000 };

mkdirSync(screenshots, { recursive: true });
const problems = [];

function step(text) {
  console.log(`[dashboard test] ${text}`);
}

async function shoot(page, name) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
  step(`screenshot ${name}.png`);
}

async function signIn(page, key) {
  await page.goto(`${endpoint}/`);
  await page.waitForURL(/\/ui\/$/);
  await page.getByLabel('Access key ID').fill(key.id);
  await page.getByLabel('Secret access key').fill(key.secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#live[data-live="true"]').waitFor(WAIT);
}

async function signOut(page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Access key ID').waitFor(WAIT);
}

/** Two hosts of the first compute environment, as GET /drover/v1/hosts describes them. */
function sampleHosts() {
  const host = (id, lifecycle, drained) => ({
    hostId: id, host: `${id}.internal`, instanceId: id, computeEnvironment: 'dash-ce', executor: 'docker',
    instanceType: 'm6i.xlarge', lifecycle, vcpus: 4, memoryMiB: 16384, usedVcpus: 1, usedMemoryMiB: 2048,
    runningJobs: ['00000000-0000-0000-0000-000000000001'], schedulable: !drained,
    drained: drained ? { reason: 'kernel upgrade', drainedAt: Date.now(), drainedBy: 'arn:aws:iam::000000000000:user/ops' } : null,
    spotNotice: null, hourlyPrice: lifecycle === 'SPOT' ? 0.0712 : 0.192,
  });
  return { hosts: [host('i-0spot', 'SPOT', true), host('i-0ondemand', 'ON_DEMAND', false)] };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', error => problems.push(`uncaught error in the page: ${error.message}`));
  page.on('console', message => {
    console.log(`[browser ${message.type()}] ${message.text()}`);
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) {
      problems.push(`the page broke its Content Security Policy: ${message.text()}`);
    }
  });

  step('sign-in page');
  await page.goto(`${endpoint}/`);
  await page.getByLabel('Access key ID').waitFor(WAIT);
  await shoot(page, '01-sign-in');

  step('a wrong secret is refused with the server\'s reason');
  await page.getByLabel('Access key ID').fill(admin.id);
  await page.getByLabel('Secret access key').fill(`${admin.secret}-wrong`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#sign-in-error', { hasText: 'InvalidSignatureException' }).waitFor(WAIT);

  step('admin signs in; the queues page lists the queue with its operator action');
  await signIn(page, admin);
  const queueRow = page.locator(`tr[data-queue="${queue}"]`);
  await queueRow.waitFor(WAIT);
  await queueRow.getByRole('button', { name: 'Disable' }).waitFor(WAIT);
  if (await page.locator('#read-only').isVisible()) {
    problems.push('the administrator is shown as read-only');
  }
  step('the fair-share queue shows its policy\'s share with the scheduler\'s usage');
  const fairShare = page.locator(`div[data-fair-share="${fairQueue}"]`);
  await fairShare.locator('tr[data-share="analytics"]', { hasText: '0.5' }).waitFor(WAIT);
  await fairShare.getByText('what the scheduler orders shares by', { exact: false }).waitFor(WAIT);
  await shoot(page, '02-queues');

  step('compute environments and hosts pages load');
  await page.getByRole('link', { name: 'Compute' }).click();
  await page.locator('tr[data-compute-environment]').first().waitFor(WAIT);
  await shoot(page, '03-compute-environments');
  await page.getByRole('link', { name: 'Hosts' }).click();
  await page.locator('#view table, #view .notice').first().waitFor(WAIT);
  await page.locator('#view', { hasNotText: 'Loading hosts' }).waitFor(WAIT);
  await shoot(page, '04-hosts');

  step('the jobs page of the queue is open when the job is submitted');
  await page.getByRole('link', { name: 'Queues' }).click();
  await queueRow.getByRole('link', { name: queue }).click();
  await page.locator('#filter-queue').waitFor(WAIT);
  await page.locator('#view table').waitFor(WAIT);
  const jobId = await page.evaluate(async ({ queue, jobDefinition }) => {
    const { Api, storedCredentials } = await import('./api.js');
    const api = new Api(storedCredentials());
    const submitted = await api.batch('submitjob', { jobName: 'dashboard-job', jobQueue: queue, jobDefinition });
    return submitted.jobId;
  }, { queue, jobDefinition });
  step(`submitted job ${jobId} with the page's own signer`);
  const jobRow = page.locator(`tr[data-job-id="${jobId}"]`);
  await jobRow.waitFor(WAIT);
  step('the job appeared in the list; waiting for SUCCEEDED from the event stream (the list does not poll)');
  await jobRow.locator('[data-status="SUCCEEDED"]').waitFor(WAIT);
  await shoot(page, '05-jobs');

  step('the job\'s detail shows its attempt and its log');
  await jobRow.getByRole('link', { name: 'dashboard-job' }).click();
  await page.locator('#job-status [data-status="SUCCEEDED"]').waitFor(WAIT);
  await page.locator('pre.logs', { hasText: logLine }).waitFor(WAIT);
  await page.getByRole('table', { name: 'Attempts' }).locator('tbody tr').first().waitFor(WAIT);
  await shoot(page, '06-job-detail');

  step('a narrow screen');
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, '07-job-detail-narrow');
  await page.getByRole('link', { name: 'Queues' }).click();
  await queueRow.waitFor(WAIT);
  await shoot(page, '08-queues-narrow');
  await page.setViewportSize({ width: 1280, height: 900 });

  step('a read-only user sees the same pages without operator actions');
  await signOut(page);
  await signIn(page, reader);
  await page.locator('#read-only').waitFor({ state: 'visible', ...WAIT });
  await queueRow.waitFor(WAIT);
  await page.goto(`${endpoint}/ui/#/jobs/${encodeURIComponent(jobId)}`);
  await page.locator('#job-status [data-status="SUCCEEDED"]').waitFor(WAIT);
  await page.goto(`${endpoint}/ui/#/queues`);
  await queueRow.waitFor(WAIT);
  const operatorButtons = await page.locator('[data-action]').count();
  if (operatorButtons !== 0) {
    problems.push(`the read-only user is offered ${operatorButtons} operator action(s)`);
  }
  await shoot(page, '09-queues-read-only');
  await context.close();

  step('the host list and job counts, in the shapes their endpoints answer, render with operator actions;'
    + ' this browser\'s clock is 20 minutes slow, which the page corrects from the controller\'s answers');
  const sample = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const samplePage = await sample.newPage();
  await samplePage.clock.setSystemTime(new Date(Date.now() - 20 * 60_000));
  samplePage.on('pageerror', error => problems.push(`uncaught error in the page: ${error.message}`));
  await samplePage.route('**/drover/v1/hosts', route => route.fulfill({ json: sampleHosts() }));
  await samplePage.route('**/drover/v1/job-counts', route => route.fulfill({
    json: { queues: { [queue]: { SUBMITTED: 0, PENDING: 1, RUNNABLE: 12, STARTING: 0, RUNNING: 3, SUCCEEDED: 40, FAILED: 2 } } },
  }));
  await signIn(samplePage, admin);
  const slowBy = Date.now() - await samplePage.evaluate(() => Date.now());
  if (slowBy < 15 * 60_000) {
    problems.push(`the browser's clock was meant to be 20 minutes slow, but is ${Math.round(slowBy / 1000)} s slow`);
  }
  await samplePage.locator(`tr[data-queue="${queue}"] a[data-count="RUNNABLE"]`, { hasText: '12' }).waitFor(WAIT);
  await shoot(samplePage, '10-queues-sample-counts');
  await samplePage.getByRole('link', { name: 'Hosts' }).click();
  await samplePage.locator('tr[data-host="i-0spot"]', { hasText: 'Draining' }).getByRole('button', { name: 'Undrain' }).waitFor(WAIT);
  await samplePage.locator('tr[data-host="i-0ondemand"]').getByRole('button', { name: 'Drain' }).click();
  await samplePage.getByRole('dialog', { name: 'Drain host' }).waitFor(WAIT);
  await shoot(samplePage, '11-hosts-sample-drain');
  await samplePage.getByRole('button', { name: 'Cancel' }).click();
  await samplePage.getByRole('link', { name: 'Compute' }).click();
  await samplePage.locator('tr[data-compute-environment]', { hasText: '1 Spot / 1 On-Demand' }).waitFor(WAIT);
  await shoot(samplePage, '12-compute-sample-hosts');
  await sample.close();
} finally {
  await browser.close();
}

if (problems.length > 0) {
  console.error(`[dashboard test] FAILED:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
step('passed');
