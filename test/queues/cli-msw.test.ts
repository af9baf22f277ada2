import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { setupServer } from 'msw/node';
import path from 'node:path';
import { createFakeCloudTasks } from './support/fake-cloud-tasks';
import { runCli } from './support/cli-runner';

const fixtures = path.join(__dirname, '../fixtures/queues');
const DEPLOY = path.join(fixtures, 'deploy.yaml');
const TBA = path.join(fixtures, 'tba-queue.yaml');
const TARGET = ['--project', 'demo', '--location', 'europe-west1'];

let fake = createFakeCloudTasks('demo', 'europe-west1');
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
beforeEach(() => {
  fake = createFakeCloudTasks('demo', 'europe-west1');
  server.resetHandlers(fake.handler);
});
afterAll(() => server.close());
afterEach(() => server.resetHandlers());

describe('validate', () => {
  test('checks the file alone, with no network call', async () => {
    const r = await runCli(['validate', '--file', TBA]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${TBA}: 13 queues, valid.`);
    expect(r.stdout).toContain('push-notifications: 10/s, max concurrent 1000, max attempts 1, max retry duration 180s, backoff 10s..30s');
    expect(fake.requests).toEqual([]);
  });

  test('an invalid file exits 1 with every problem at file:line:column', async () => {
    const file = path.join(fixtures, 'invalid/many-problems.yaml');
    const r = await runCli(['validate', '--file', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:6:9: Value "bad_name" for name`);
    expect(r.stderr).toContain(`${file}:13:20: Max doublings must not be less than zero.`);
  });

  test('warnings go to stderr and do not fail', async () => {
    const r = await runCli(['validate', '--file', path.join(fixtures, 'warnings.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warnings\.yaml:6:16: warning: bucket_size cannot be set through the Cloud Tasks API/);
  });

  test('--json gives the mapped settings', async () => {
    const r = await runCli(['validate', '--json', '--file', DEPLOY]);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.queues[1]).toEqual({
      name: 'mail',
      state: 'RUNNING',
      rateLimits: { maxDispatchesPerSecond: 2000 / 86400, maxConcurrentDispatches: 10, maxBurstSize: 5 },
      retryConfig: { maxAttempts: 5, maxRetryDurationSeconds: 5400, minBackoffSeconds: 10, maxBackoffSeconds: 300, maxDoublings: 3 },
    });
  });
});

describe('usage errors exit 2', () => {
  test('a missing project or location names the flag and the variable', async () => {
    const r = await runCli(['plan', '--file', DEPLOY, '--location', 'europe-west1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass --project or set GOOGLE_CLOUD_PROJECT');
    expect(r.stderr).not.toContain('CLOUD_TASKS_LOCATION');
    expect(fake.requests).toEqual([]);
  });

  test('unknown commands and flags', async () => {
    expect((await runCli(['deploy'])).code).toBe(2);
    const r = await runCli(['plan', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--dry-run'");
  });

  test('--help documents the exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Exit codes:\n  0 .*\n  1 .*\n  2 .*\n  3 /);
  });

  test('project and location come from the environment too', async () => {
    const r = await runCli(['plan', '--file', DEPLOY], { GOOGLE_CLOUD_PROJECT: 'demo', CLOUD_TASKS_LOCATION: 'europe-west1' });
    expect(r.code).toBe(0);
    expect(fake.requests[0].path).toBe('projects/demo/locations/europe-west1/queues');
  });
});

describe('plan / apply / check against Cloud Tasks REST', () => {
  test('plan lists what it would create and changes nothing', async () => {
    const r = await runCli(['plan', '--file', DEPLOY, ...TARGET]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+ create     default: 5/s, max concurrent 1000, max attempts unlimited');
    expect(r.stdout).toContain('+ create     frozen: paused (rate 0)');
    expect(r.stdout).toContain('3 to create, 0 to update, 0 unchanged, 0 not in');
    expect(fake.writes()).toEqual([]);
  });

  test('apply creates with App Engine settings; a second apply changes nothing', async () => {
    const first = await runCli(['apply', '--file', DEPLOY, ...TARGET]);
    expect(first.code).toBe(0);
    expect(fake.writes()).toEqual([
      'POST projects/demo/locations/europe-west1/queues',
      'POST projects/demo/locations/europe-west1/queues',
      'POST projects/demo/locations/europe-west1/queues',
      'POST frozen:pause',
    ]);
    const mailBody = fake.requests.find((q) => q.method === 'POST' && (q.body as { name: string }).name.endsWith('/mail'))!.body;
    expect(mailBody).toEqual({
      name: 'projects/demo/locations/europe-west1/queues/mail',
      rateLimits: { maxDispatchesPerSecond: 2000 / 86400, maxConcurrentDispatches: 10 },
      retryConfig: { maxAttempts: 5, maxRetryDuration: '5400s', minBackoff: '10s', maxBackoff: '300s', maxDoublings: 3 },
    });
    const frozenBody = fake.requests.find((q) => q.method === 'POST' && (q.body as { name: string }).name.endsWith('/frozen'))!
      .body as Record<string, unknown>;
    expect(frozenBody.rateLimits).toEqual({ maxConcurrentDispatches: 1000 }); // no rate 0 sent: pausing does that job
    expect(fake.get('frozen')!.state).toBe(2);
    expect(first.stdout).toContain('Applied:\n  created default\n  created mail\n  created frozen\n  paused frozen');

    fake.requests.length = 0;
    const second = await runCli(['apply', '--file', DEPLOY, ...TARGET]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('No changes: live queues match');
    expect(second.stdout).toContain('Applied: no changes.');
    expect(fake.writes()).toEqual([]);
    expect((await runCli(['check', '--file', DEPLOY, ...TARGET])).code).toBe(0);
  });

  test('the 13 queues of The Blue Alliance apply, then check clean', async () => {
    expect((await runCli(['apply', '--file', TBA, ...TARGET])).code).toBe(0);
    expect(fake.queues.size).toBe(13);
    expect(fake.get('backups')!.rateLimits.maxDispatchesPerSecond).toBeCloseTo(0.1);
    expect(fake.get('push-notifications')!.retryConfig).toMatchObject({
      maxAttempts: 1,
      maxRetryDuration: '180s',
      minBackoff: '10s',
      maxBackoff: '30s',
    });
    expect(fake.get('default')!.retryConfig).toMatchObject({ maxAttempts: 1, minBackoff: '0.100s', maxBackoff: '3600s', maxDoublings: 16 });
    const check = await runCli(['check', '--file', TBA, ...TARGET]);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('0 to create, 0 to update, 13 unchanged');
  });

  test('a live queue edited by hand makes check fail and apply patch only that field', async () => {
    await runCli(['apply', '--file', DEPLOY, ...TARGET]);
    fake.get('mail')!.rateLimits.maxDispatchesPerSecond = 50;
    fake.get('mail')!.retryConfig.maxBackoff = '60s';
    const check = await runCli(['check', '--file', DEPLOY, ...TARGET]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      '~ update     mail\n      rateLimits.maxDispatchesPerSecond: 50 -> 0.0231481\n      retryConfig.maxBackoff: 60s -> 300s',
    );
    expect(check.stderr).toContain('Drift: the live queues differ from');

    fake.requests.length = 0;
    const apply = await runCli(['apply', '--file', DEPLOY, ...TARGET]);
    expect(apply.code).toBe(0);
    expect(fake.writes()).toEqual(['PATCH mail?updateMask=rateLimits.maxDispatchesPerSecond,retryConfig.maxBackoff']);
    expect(fake.get('mail')!.retryConfig.maxBackoff).toBe('300s');
    expect((await runCli(['check', '--file', DEPLOY, ...TARGET])).code).toBe(0);
  });

  test('a paused queue is resumed when the file gives it a rate, and rate 0 pauses a running one', async () => {
    await runCli(['apply', '--file', DEPLOY, ...TARGET]);
    fake.get('default')!.state = 2;
    fake.get('frozen')!.state = 1;
    fake.requests.length = 0;
    const plan = await runCli(['plan', '--file', DEPLOY, ...TARGET]);
    expect(plan.stdout).toContain('~ update     default\n      state: PAUSED -> RUNNING');
    expect(plan.stdout).toContain('~ update     frozen\n      state: RUNNING -> PAUSED');
    await runCli(['apply', '--file', DEPLOY, ...TARGET]);
    expect(fake.writes()).toEqual(['POST default:resume', 'POST frozen:pause']);
  });

  test('live queues missing from the file: reported by default, only running ones paused with --pause-missing', async () => {
    await runCli(['apply', '--file', DEPLOY, ...TARGET]);
    fake.seed('legacy');
    fake.seed('retired', { state: 2 });
    fake.requests.length = 0;

    const plain = await runCli(['apply', '--file', DEPLOY, ...TARGET]);
    expect(plain.stdout).toContain('! not in file legacy: RUNNING: left as is, never deleted (--pause-missing pauses it)');
    expect(fake.writes()).toEqual([]);
    expect((await runCli(['check', '--file', DEPLOY, ...TARGET])).code).toBe(0);
    expect((await runCli(['check', '--pause-missing', '--file', DEPLOY, ...TARGET])).code).toBe(1);

    const pausing = await runCli(['apply', '--pause-missing', '--file', DEPLOY, ...TARGET]);
    expect(pausing.code).toBe(0);
    expect(fake.writes()).toEqual(['POST legacy:pause']);
    expect(fake.get('legacy')!.state).toBe(2);
    expect(fake.queues.size).toBe(5); // nothing deleted
    expect(fake.requests.some((q) => q.method === 'DELETE')).toBe(false);
  });

  test('--markdown renders the plan as a table for the job summary', async () => {
    fake.seed('default', {
      rateLimits: { maxDispatchesPerSecond: 1, maxConcurrentDispatches: 1000, maxBurstSize: 5 },
      retryConfig: { maxAttempts: -1, maxRetryDuration: '0s', minBackoff: '0.100s', maxBackoff: '3600s', maxDoublings: 16 },
    });
    const r = await runCli(['plan', '--markdown', '--file', DEPLOY, ...TARGET]);
    expect(r.stdout).toContain('| queue | action | details |');
    expect(r.stdout).toContain('| `default` | update | `rateLimits.maxDispatchesPerSecond`: 1 → 5 |');
    expect(r.stdout).toContain('| `mail` | create |');
  });

  test('--json plan carries the items and the drift flag', async () => {
    const r = await runCli(['check', '--json', '--file', DEPLOY, ...TARGET]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.drift).toBe(true);
    expect(doc.plan.items.map((i: { action: string; name: string }) => `${i.action} ${i.name}`)).toEqual([
      'create default',
      'create mail',
      'create frozen',
    ]);
  });
});

describe('errors from Google name the cause and exit 3', () => {
  test('403 names roles/cloudtasks.queueAdmin', async () => {
    fake.fail(403, 'The principal (user or service account) lacks IAM permission "cloudtasks.queues.list" for the resource', 1);
    const r = await runCli(['plan', '--file', DEPLOY, ...TARGET]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('list queues in projects/demo/locations/europe-west1 failed');
    expect(r.stderr).toContain('lacks IAM permission "cloudtasks.queues.list"');
    expect(r.stderr).toContain('roles/cloudtasks.queueAdmin');
  });

  test('403 on a write stops apply and names the queue', async () => {
    fake.fail(403, 'The principal lacks IAM permission "cloudtasks.queues.create"', 1, /^POST .*\/queues$/);
    const r = await runCli(['apply', '--file', DEPLOY, ...TARGET]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('create queue default failed');
    expect(r.stderr).toContain('roles/cloudtasks.queueAdmin');
  });

  test('429 is retried, then succeeds', async () => {
    fake.fail(429, 'Quota exceeded for quota metric Queue management requests', 2);
    const r = await runCli(['apply', '--file', DEPLOY, ...TARGET]);
    expect(r.code).toBe(0);
    expect(fake.queues.size).toBe(3);
    expect(fake.requests.filter((q) => q.method === 'GET')).toHaveLength(3); // two 429s, one answer
  });

  test('429 that persists exits 3 with what to do', async () => {
    fake.fail(429, 'Quota exceeded for quota metric Queue management requests', 10);
    const r = await runCli(['apply', '--file', DEPLOY, ...TARGET]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Quota exceeded');
    expect(r.stderr).toContain('rate-limited the queue admin calls (HTTP 429)');
    expect(fake.requests).toHaveLength(3); // the call and two retries (the test's delays)
  });

  test('404 for an unknown location says which flags to check', async () => {
    const r = await runCli(['plan', '--file', DEPLOY, '--project', 'demo', '--location', 'mars-north1']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('--location / CLOUD_TASKS_LOCATION');
  });

  test('--json errors are JSON too', async () => {
    fake.fail(403, 'denied', 1);
    const r = await runCli(['plan', '--json', '--file', DEPLOY, ...TARGET]);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: 'QueuesApiError', status: 403, code: 7 });
  });
});

describe('on GitHub Actions', () => {
  test('problems are also printed as annotations on their line of queue.yaml', async () => {
    const file = path.join(fixtures, 'invalid/bad-rate.yaml');
    const r = await runCli(['validate', '--file', file], { GITHUB_ACTIONS: 'true' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      `::error file=${file},line=3,col=9::Rate "5/x" is invalid: write a number per s, m, h or d (e.g. 5/s, 6/m, 100/h) or 0 to pause`,
    );
  });

  test('warnings too, without failing', async () => {
    const r = await runCli(['validate', '--file', path.join(fixtures, 'warnings.yaml')], { GITHUB_ACTIONS: 'true' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^::warning file=.*warnings\.yaml,line=2,col=1::total_storage_limit cannot be set/m);
  });
});

describe('Application Default Credentials', () => {
  test('unusable credentials exit 3 with how to get them, before any call to Cloud Tasks', async () => {
    const { runQueuesCli } = await import('@/lib/src/cli/queues');
    const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.env.GOOGLE_APPLICATION_CREDENTIALS = path.join(fixtures, 'no-such-key.json');
    const err: string[] = [];
    try {
      const code = await runQueuesCli(['plan', '--file', DEPLOY, ...TARGET], { env: {}, stdout: () => {}, stderr: (t) => err.push(t) });
      expect(code).toBe(3);
    } finally {
      if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
      else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
    }
    expect(err.join('\n')).toContain('load Application Default Credentials failed');
    expect(err.join('\n')).toContain('gcloud auth application-default login');
    expect(fake.requests).toEqual([]);
  });
});
