/**
 * `next-cloud-tasks cron` against msw's Cloud Scheduler REST, with the real @google-cloud/scheduler
 * client in REST mode: plan, apply, check, drift, never-delete, and Google's errors named.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { setupServer } from 'msw/node';
import path from 'node:path';
import { createFakeCloudScheduler } from './support/fake-cloud-scheduler';
import { runCron } from './support/cron-cli-runner';

const fixtures = path.join(__dirname, '../fixtures/cron');
const APP = path.join(fixtures, 'functions-cron.yaml');
const TBA = path.join(fixtures, 'tba-cron.yaml');
const ENGINE = path.join(fixtures, 'app-engine-cron.yaml');
const SA = 'cron@demo.iam.gserviceaccount.com';
const TARGET = [
  '--project',
  'demo',
  '--location',
  'europe-west1',
  '--service-url',
  'https://app-abc-ew.a.run.app',
  '--service-account',
  SA,
];
const TBA_TARGETS = [
  '--target-url',
  'backend-tasks=https://backend-tasks-abc-ew.a.run.app',
  '--target-url',
  'backend-tasks-b2=https://b2-abc-ew.a.run.app',
];

let fake = createFakeCloudScheduler('demo', 'europe-west1');
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
beforeEach(() => {
  fake = createFakeCloudScheduler('demo', 'europe-west1');
  server.resetHandlers(fake.handler);
});
afterAll(() => server.close());

describe('validate', () => {
  test('checks the file alone and shows each translation with its next runs, with no network call', async () => {
    const r = await runCron(['validate', '--file', TBA]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${TBA}: 20 cron jobs, valid.`);
    expect(r.stdout).toContain(
      '  backup-cron-job: "every monday 03:00" = "0 3 * * 1" America/Los_Angeles, GET /backend-tasks/backup/enqueue on target backend-tasks\n      next: 2026-06-15T10:00Z, 2026-06-22T10:00Z, 2026-06-29T10:00Z',
    );
    expect(fake.requests).toEqual([]);
  });

  test('an invalid file exits 1 with every problem at file:line:column', async () => {
    const file = path.join(fixtures, 'invalid/synchronized-uneven.yaml');
    const r = await runCron(['validate', '--file', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:4:13: schedule "every 7 hours synchronized" failed to parse`);
  });

  test('a schedule no unix-cron line says shows its line, its filter and the next runs App Engine would make', async () => {
    const r = await runCron(['validate', '--file', ENGINE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '  first-monday-report: "1st monday of sep,oct,nov 17:00" = "0 17 * 9-11 1" (filter: days 1-7 of the month) Europe/Paris, reports.monthly("eu")\n' +
        '      next: 2026-09-07T15:00Z, 2026-10-05T15:00Z, 2026-11-02T16:00Z',
    );
    expect(r.stdout).toContain(
      '  march-check: "2nd,third mon,wed,thu of march 17:00" = "0 17 * 3 1,3,4" (filter: days 8-14, 15-21 of the month) America/New_York, GET /api/cron/march\n' +
        '      next: 2027-03-08T22:00Z, 2027-03-10T22:00Z, 2027-03-11T22:00Z',
    );
    expect(r.stdout).toContain(
      '"every 5 minutes from 10:00 to 14:00" = "*/5 10-14 * * *" (filter: from 10:00 to 14:00 every 5 minutes) UTC, GET /poll\n' +
        '      next: 2026-06-15T10:00Z, 2026-06-15T10:05Z, 2026-06-15T10:10Z',
    );
    expect(r.stdout).toContain('      next: 2026-06-15T00:01Z, 2026-06-15T00:08Z, 2026-06-15T00:15Z');
  });

  test('--json gives the jobs, their next runs and, with the app settings, the Cloud Scheduler jobs', async () => {
    const doc = JSON.parse((await runCron(['validate', '--json', '--file', APP, ...TARGET])).stdout);
    expect(doc.ok).toBe(true);
    expect(doc.jobs[1]).toMatchObject({
      id: 'purge-expired-sessions',
      cron: '0 */6 * * *',
      nextRuns: ['2026-06-15T06:00:00.000Z', '2026-06-15T12:00:00.000Z', '2026-06-15T18:00:00.000Z'],
    });
    expect(doc.jobs[1].schedulerJob.httpTarget.uri).toBe('https://app-abc-ew.a.run.app/_ah/queue/deferred/sessions.purgeExpired');
  });

  test('on GitHub Actions problems are annotations on their line of cron.yaml', async () => {
    const file = path.join(fixtures, 'invalid/bad-url.yaml');
    const r = await runCron(['validate', '--file', file], { GITHUB_ACTIONS: 'true' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^::error file=${file.replace(/[/.]/g, '\\$&')},line=3,col=8::Value "tasks/summary" for url`));
  });
});

describe('usage errors exit 2', () => {
  test('plan names every missing setting with its flag and variable', async () => {
    const r = await runCron(['plan', '--file', APP]);
    expect(r.code).toBe(2);
    for (const hint of [
      '--project or set GOOGLE_CLOUD_PROJECT',
      '--location or set CLOUD_SCHEDULER_LOCATION',
      '--service-url or set DEFERRED_SERVICE_URL',
      '--service-account or set CRON_SERVICE_ACCOUNT',
    ]) {
      expect(r.stderr).toContain(hint);
    }
    expect(fake.requests).toEqual([]);
  });

  test('the app settings come from the environment the app itself reads', async () => {
    const env = {
      GOOGLE_CLOUD_PROJECT: 'demo',
      CLOUD_TASKS_LOCATION: 'europe-west1',
      DEFERRED_SERVICE_URL: 'https://app-abc-ew.a.run.app',
      DEFERRED_SERVICE_ACCOUNT: SA,
    };
    const r = await runCron(['plan', '--file', APP], env);
    expect(r.code).toBe(0);
    expect(fake.requests[0].path).toBe('projects/demo/locations/europe-west1/jobs');
  });

  test('a target without --target-url is named with its line', async () => {
    const r = await runCron(['plan', '--file', TBA, ...TARGET]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${TBA}:6:3: job "first-event-list-scraping`);
    expect(r.stderr).toContain('pass --target-url backend-tasks=https://');
    expect(fake.requests).toEqual([]);
  });

  test('unknown commands and flags', async () => {
    expect((await runCron(['deploy'])).code).toBe(2);
    expect((await runCron(['plan', '--target-url', 'nourl'])).stderr).toContain('must be NAME=URL');
    const help = await runCron(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes:\n  0 .*\n  1 .*\n  2 .*\n  3 /);
  });
});

describe('plan / apply / check against Cloud Scheduler REST', () => {
  test('plan lists what it would create and changes nothing', async () => {
    const r = await runCron(['plan', '--file', APP, ...TARGET]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '+ create     daily-summary: "0 9 * * *" Europe/Paris, reports.dailySummary("eu", {"dryRun":false}) at https://app-abc-ew.a.run.app/_ah/queue/deferred/reports.dailySummary, retries 3',
    );
    expect(r.stdout).toContain('3 to create, 0 to update, 0 unchanged, 0 not in');
    expect(fake.writes()).toEqual([]);
  });

  test('apply creates HTTP jobs with OIDC tokens; a second apply and check change nothing', async () => {
    const first = await runCron(['apply', '--file', APP, ...TARGET]);
    expect(first.code).toBe(0);
    expect(fake.writes()).toEqual([
      'POST projects/demo/locations/europe-west1/jobs',
      'POST projects/demo/locations/europe-west1/jobs',
      'POST projects/demo/locations/europe-west1/jobs',
    ]);
    expect(fake.get('daily-summary')).toMatchObject({
      schedule: '0 9 * * *',
      timeZone: 'Europe/Paris',
      attemptDeadline: '600s',
      retryConfig: { retryCount: 3, maxRetryDuration: '0s', minBackoffDuration: '10s', maxBackoffDuration: '300s', maxDoublings: 3 },
      httpTarget: {
        uri: 'https://app-abc-ew.a.run.app/_ah/queue/deferred/reports.dailySummary',
        httpMethod: 1,
        oidcToken: { serviceAccountEmail: SA, audience: 'https://app-abc-ew.a.run.app' },
      },
    });
    const body = JSON.parse(Buffer.from(fake.get('daily-summary')!.httpTarget!.body!, 'base64').toString('utf8'));
    expect(body.json).toEqual({ v: 1, fn: 'reports.dailySummary', args: ['eu', { dryRun: false }], enqueuedAt: 0 });
    expect(fake.get('weekly-digest')!.httpTarget).toMatchObject({
      httpMethod: 2,
      uri: 'https://app-abc-ew.a.run.app/api/cron/weekly-digest',
    });
    expect(fake.get('weekly-digest')!.httpTarget!.body).toBeUndefined();

    fake.requests.length = 0;
    const second = await runCron(['apply', '--file', APP, ...TARGET]);
    expect(second.stdout).toContain('No changes: live jobs match');
    expect(second.stdout).toContain('Applied: no changes.');
    expect(fake.writes()).toEqual([]);
    expect((await runCron(['check', '--file', APP, ...TARGET])).code).toBe(0);
  });

  test("The Blue Alliance's 20 jobs apply to their targets' URLs, then check clean", async () => {
    expect((await runCron(['apply', '--file', TBA, ...TARGET, ...TBA_TARGETS])).code).toBe(0);
    expect(fake.jobs.size).toBe(20);
    expect(fake.get('backup-cron-job')!.httpTarget).toMatchObject({
      uri: 'https://backend-tasks-abc-ew.a.run.app/backend-tasks/backup/enqueue',
      oidcToken: { audience: 'https://backend-tasks-abc-ew.a.run.app' },
    });
    const check = await runCron(['check', '--file', TBA, ...TARGET, ...TBA_TARGETS]);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('0 to create, 0 to update, 20 unchanged');
  });

  test('a job edited by hand makes check fail and apply patch only that field', async () => {
    await runCron(['apply', '--file', APP, ...TARGET]);
    fake.get('daily-summary')!.schedule = '0 10 * * *';
    (fake.get('daily-summary')!.retryConfig as Record<string, unknown>).maxBackoffDuration = '60s';
    const check = await runCron(['check', '--file', APP, ...TARGET]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      '~ update     daily-summary\n      schedule: 0 10 * * * -> 0 9 * * *\n      retryConfig.maxBackoffDuration: 60s -> 300s',
    );
    expect(check.stderr).toContain('Drift: the live jobs differ from');

    fake.requests.length = 0;
    expect((await runCron(['apply', '--file', APP, ...TARGET])).code).toBe(0);
    expect(fake.writes()).toEqual(['PATCH daily-summary?updateMask=schedule,retryConfig']);
    expect(fake.get('daily-summary')!.schedule).toBe('0 9 * * *');
    expect((await runCron(['check', '--file', APP, ...TARGET])).code).toBe(0);
  });

  test('a changed function argument is a body change, shown decoded', async () => {
    await runCron(['apply', '--file', APP, ...TARGET]);
    const job = fake.get('daily-summary')!;
    job.httpTarget!.body = Buffer.from(
      JSON.stringify({ json: { v: 1, fn: 'reports.dailySummary', args: ['us'], enqueuedAt: 0 } }),
    ).toString('base64');
    const plan = await runCron(['plan', '--file', APP, ...TARGET]);
    expect(plan.stdout).toContain('httpTarget.body: reports.dailySummary("us") -> reports.dailySummary("eu", {"dryRun":false})');
  });

  test('a paused job the file lists is resumed', async () => {
    await runCron(['apply', '--file', APP, ...TARGET]);
    fake.get('weekly-digest')!.state = 2;
    fake.requests.length = 0;
    expect((await runCron(['plan', '--file', APP, ...TARGET])).stdout).toContain(
      '~ update     weekly-digest\n      state: PAUSED -> ENABLED',
    );
    await runCron(['apply', '--file', APP, ...TARGET]);
    expect(fake.writes()).toEqual(['POST weekly-digest:resume']);
  });

  test('jobs missing from the file: reported by default, only enabled ones paused with --pause-missing, never deleted', async () => {
    await runCron(['apply', '--file', APP, ...TARGET]);
    fake.seed('legacy-report');
    fake.seed('retired', { state: 2 });
    fake.requests.length = 0;
    const plain = await runCron(['apply', '--file', APP, ...TARGET]);
    expect(plain.stdout).toContain('! not in file legacy-report: ENABLED: left as is, never deleted (--pause-missing pauses it)');
    expect(plain.stdout).toContain('! not in file retired: PAUSED: left as is');
    expect(fake.writes()).toEqual([]);
    expect((await runCron(['check', '--file', APP, ...TARGET])).code).toBe(0);
    expect((await runCron(['check', '--pause-missing', '--file', APP, ...TARGET])).code).toBe(1);
    const pausing = await runCron(['apply', '--pause-missing', '--file', APP, ...TARGET]);
    expect(pausing.code).toBe(0);
    expect(fake.writes()).toEqual(['POST legacy-report:pause']);
    expect(fake.jobs.size).toBe(5);
    expect(fake.requests.some((q) => q.method === 'DELETE')).toBe(false);
  });

  test('a filtered job is planned with its line and filter, and created with the filter header that the app reads', async () => {
    const plan = await runCron(['plan', '--file', ENGINE, ...TARGET]);
    expect(plan.stdout).toContain(
      '+ create     first-monday-report: "0 17 * 9-11 1" Europe/Paris (filter: days 1-7 of the month), reports.monthly("eu") at https://app-abc-ew.a.run.app/_ah/queue/deferred/reports.monthly',
    );
    expect((await runCron(['apply', '--file', ENGINE, ...TARGET])).code).toBe(0);
    expect(fake.get('first-monday-report')!.httpTarget!.headers).toMatchObject({
      'Content-Type': 'application/json',
      'X-Deferred-Cron-Filter': 'tz=Europe/Paris; week=1',
    });
    expect(fake.get('march-check')).toMatchObject({
      schedule: '0 17 * 3 1,3,4',
      httpTarget: { httpMethod: 2, headers: { 'X-Deferred-Cron-Filter': 'tz=America/New_York; week=2,3' } },
    });
    expect((await runCron(['check', '--file', ENGINE, ...TARGET])).code).toBe(0);
    // A filter changed by hand is drift, shown in the job's headers.
    fake.get('first-monday-report')!.httpTarget!.headers!['X-Deferred-Cron-Filter'] = 'tz=Europe/Paris; week=2';
    const check = await runCron(['check', '--file', ENGINE, ...TARGET]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      'httpTarget.headers: content-type: application/json; x-deferred-cron-filter: tz=Europe/Paris; week=2 ->',
    );
  });

  test('--markdown renders the plan as a table; --json carries the items and the drift flag', async () => {
    const md = await runCron(['plan', '--markdown', '--file', APP, ...TARGET]);
    expect(md.stdout).toContain('| job | action | details |');
    expect(md.stdout).toContain(
      '| `weekly-digest` | create | "0 8 * * mon" America/New_York, GET https://app-abc-ew.a.run.app/api/cron/weekly-digest',
    );
    const json = await runCron(['check', '--json', '--file', APP, ...TARGET]);
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc.drift).toBe(true);
    expect(doc.plan.items.map((i: { action: string; name: string }) => `${i.action} ${i.name}`)).toEqual([
      'create daily-summary',
      'create purge-expired-sessions',
      'create weekly-digest',
    ]);
  });
});

describe('errors from Google name the cause and exit 3', () => {
  test('403 on list names roles/cloudscheduler.admin and the viewer role', async () => {
    fake.fail(403, 'The principal (user or service account) lacks IAM permission "cloudscheduler.jobs.list" for the resource', 1);
    const r = await runCron(['plan', '--file', APP, ...TARGET]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('list jobs in projects/demo/locations/europe-west1 failed');
    expect(r.stderr).toContain('roles/cloudscheduler.admin');
    expect(r.stderr).toContain('roles/cloudscheduler.viewer');
  });

  test('403 for actAs on a create names roles/iam.serviceAccountUser on the jobs’ account', async () => {
    fake.fail(403, `The principal lacks IAM permission "iam.serviceAccounts.actAs" for the resource "${SA}"`, 1, /^POST .*\/jobs$/);
    const r = await runCron(['apply', '--file', APP, ...TARGET]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('create job daily-summary failed');
    expect(r.stderr).toContain(`grant the deploying account roles/iam.serviceAccountUser on ${SA}`);
  });

  test('429 is retried, then succeeds; one that persists exits 3', async () => {
    fake.fail(429, 'Quota exceeded', 2);
    expect((await runCron(['apply', '--file', APP, ...TARGET])).code).toBe(0);
    expect(fake.jobs.size).toBe(3);
    fake.fail(429, 'Quota exceeded', 10);
    const r = await runCron(['plan', '--file', APP, ...TARGET]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('rate-limited');
  });

  test('404 for an unknown location says which flags to check; --json errors are JSON', async () => {
    const r = await runCron([
      'plan',
      '--json',
      '--file',
      APP,
      '--project',
      'demo',
      '--location',
      'mars-north1',
      '--service-url',
      'https://a.run.app',
      '--service-account',
      SA,
    ]);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: 'CronApiError', status: 404, code: 5 });
    expect(r.stderr).toContain('--location / CLOUD_SCHEDULER_LOCATION');
  });
});
