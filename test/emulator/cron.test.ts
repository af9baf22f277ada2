/**
 * The emulator runs cron.yaml: on schedule, with Cloud Scheduler's headers and an OIDC token
 * signed like task dispatches, retries per the job's retry parameters, the dashboard's cron table
 * and "Run now", and state that survives a restart.
 */
import { createVerify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { decodeEnvelope } from '@/lib/src/contract/envelope';
import { startTargetServer, type TargetServer } from './support/target-server';
import { dashboardAction } from './support/dashboard-action';

const CRON_YAML = join(__dirname, 'fixtures/cron.yaml');
const SA = 'cron-runner@dev-project.iam.gserviceaccount.com';
let target: TargetServer;
let emulator: EmulatorHandle;
let dir: string;

/** A clock 1.5 s before the next minute boundary, so "every 1 minutes" fires soon. */
function clockNearMinute(): () => number {
  const now = Date.now();
  const offset = (((60_000 - (now % 60_000) - 1_500) % 60_000) + 60_000) % 60_000;
  return () => Date.now() + offset;
}

const start = (extra: Parameters<typeof startEmulator>[0] = {}) =>
  startEmulator({
    port: 0,
    data: join(dir, 'state.sqlite'),
    cronYaml: CRON_YAML,
    appUrl: target.url,
    cronServiceAccount: SA,
    cronAudience: 'https://app.example.test',
    ...extra,
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'emulator-cron-'));
  target = await startTargetServer((request) => (request.path === '/fail' ? { status: 500, body: 'report failed' } : { status: 200 }));
  emulator = await start({ cronClock: clockNearMinute() });
});

afterAll(async () => {
  await emulator?.stop();
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function verifyToken(authorization: string | undefined) {
  const [header, payload, signature] = String(authorization)
    .replace(/^Bearer /, '')
    .split('.');
  const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString());
  const certs = (await (await fetch(`${emulator.url}/oauth2/v1/certs`)).json()) as Record<string, string>;
  const valid = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(certs[kid], Buffer.from(signature, 'base64url'));
  return { valid, claims: JSON.parse(Buffer.from(payload, 'base64url').toString()) };
}

test('loads cron.yaml, translated, with each job’s next run', () => {
  expect(emulator.cronYaml?.names).toEqual(['every-minute', 'flaky-report', 'daily-summary']);
  const jobs = emulator.cron.list();
  expect(jobs.map((j) => [j.id, j.job.schedule, j.job.httpTarget.httpMethod, j.job.httpTarget.uri])).toEqual([
    ['daily-summary', '0 9 * * *', 'POST', `${target.url}/_ah/queue/deferred/reports.dailySummary`],
    ['every-minute', '* * * * *', 'GET', `${target.url}/tick`],
    ['flaky-report', '0 3 * * *', 'GET', `${target.url}/fail`],
  ]);
  for (const job of jobs) expect(job.nextRunMs).toBeGreaterThan(Date.now());
});

test('a job fires on schedule with Cloud Scheduler’s headers and a verifiable token for the app’s audience', async () => {
  const run = await emulator.cron.waitForRun('every-minute', 15_000);
  expect(run).toMatchObject({ ok: true, status: 200, attempts: 1 });
  expect(run.scheduleTimeMs % 60_000).toBe(0);
  const request = target.received.find((r) => r.path === '/tick')!;
  expect(request.method).toBe('GET');
  expect(request.headers).toMatchObject({
    'user-agent': 'Google-Cloud-Scheduler',
    'x-cloudscheduler': 'true',
    'x-cloudscheduler-jobname': 'every-minute',
    'x-cloudscheduler-scheduletime': new Date(run.scheduleTimeMs).toISOString(),
  });
  const { valid, claims } = await verifyToken(request.headers.authorization);
  expect(valid).toBe(true);
  expect(claims).toMatchObject({
    aud: 'https://app.example.test',
    email: SA,
    email_verified: true,
    iss: 'https://cloud-tasks-emulator.local',
  });
  const job = emulator.cron.list().find((j) => j.id === 'every-minute')!;
  expect(job.last).toMatchObject({ ok: true, status: 200 });
  expect(job.nextRunMs).toBe(run.scheduleTimeMs + 60_000);
});

test('a function job posts the task envelope to the deferred route', async () => {
  const done = emulator.cron.waitForRun('daily-summary');
  emulator.cron.runNow('daily-summary');
  expect(await done).toMatchObject({ ok: true, attempts: 1 });
  const request = target.received.find((r) => r.path === '/_ah/queue/deferred/reports.dailySummary')!;
  expect(request.method).toBe('POST');
  expect(request.headers['content-type']).toBe('application/json');
  expect(decodeEnvelope(request.body)).toMatchObject({ fn: 'reports.dailySummary', args: ['eu', 10] });
});

test('a failing run is retried per retry_parameters (2 retries), then recorded as failed', async () => {
  const retries: number[] = [];
  emulator.cron.on('cron:retry', ({ job, retryAtMs }) => job.id === 'flaky-report' && retries.push(retryAtMs));
  const done = emulator.cron.waitForRun('flaky-report', 10_000);
  emulator.cron.runNow('flaky-report');
  const run = await done;
  expect(run).toMatchObject({ ok: false, status: 500, attempts: 3, detail: 'report failed' });
  const attempts = target.received.filter((r) => r.path === '/fail');
  expect(attempts).toHaveLength(3);
  // Cloud Scheduler's backoff: 0.2 s, then 0.4 s.
  expect(attempts[1].atMs - attempts[0].atMs).toBeGreaterThanOrEqual(180);
  expect(attempts[2].atMs - attempts[1].atMs).toBeGreaterThanOrEqual(380);
  expect(retries).toHaveLength(2);
});

test('the dashboard lists the jobs with next run and last result, and "Run now" is a POST form that runs one', async () => {
  const html = await (await fetch(`${emulator.url}/`)).text();
  const row = (id: string) => html.slice(html.indexOf(`data-cron="${id}"`), html.indexOf('</tr>', html.indexOf(`data-cron="${id}"`)));
  expect(row('flaky-report')).toContain('every day 03:00');
  expect(row('flaky-report')).toContain('0 3 * * * · UTC');
  expect(row('flaky-report')).toContain('failed</span> HTTP 500');
  expect(row('flaky-report')).toContain('3 attempt(s)');
  expect(row('daily-summary')).toContain('reports.dailySummary(&quot;eu&quot;, 10)');
  expect(row('daily-summary')).toMatch(
    /<form method="post" action="\/_emulator\/actions\/cron-run"[^>]*>\s*<input type="hidden" name="name" value="daily-summary" ?\/?>/,
  );

  const before = target.received.length;
  const done = emulator.cron.waitForRun('daily-summary');
  const response = await dashboardAction(emulator.url, 'cron-run', 'daily-summary');
  expect(response.status).toBe(303);
  const notice = (r: Response) => new URL(r.headers.get('location')!, 'http://emulator').searchParams.get('notice');
  expect(notice(response)).toBe('Running cron job daily-summary now.');
  await done;
  expect(target.received.length).toBe(before + 1);

  const unknown = await dashboardAction(emulator.url, 'cron-run', 'nope');
  expect(notice(unknown)).toContain('No cron job "nope"');
});

test('last results persist in SQLite across a restart; jobs removed from cron.yaml are forgotten', async () => {
  await emulator.stop();
  emulator = await start();
  const flaky = emulator.cron.list().find((j) => j.id === 'flaky-report')!;
  expect(flaky.last).toMatchObject({ ok: false, status: 500, attempts: 3 });
  await emulator.stop();
  emulator = await start({ cronYaml: undefined });
  expect(emulator.cron.list()).toEqual([]);
});
