/**
 * A Cloud Scheduler run of a `function:` job through the real handler: its headers (which are not
 * Cloud Tasks') reach the task context, the token is checked the same way, the status contract is
 * the task one. And verifyCronRequest() on a route of one's own, for `url:` jobs.
 */
import {
  createManifest,
  deferrable,
  getTaskContext,
  handleDeferredRequest,
  PermanentTaskFailure,
  verifyCronRequest,
  type TaskContext,
} from 'next-cloud-tasks';
import { applyTestOptions, signIdToken } from 'next-cloud-tasks/testing';
import { schedulerRuns } from './support/scheduler-runs';

const AUDIENCE = 'https://app-abc-ew.a.run.app';
const SA = 'cron@demo.iam.gserviceaccount.com';
const config = { audience: AUDIENCE, allowedEmails: [SA] };

const contexts: TaskContext[] = [];
const runs: unknown[][] = [];
const dailySummary = deferrable('reports.dailySummary', (...args: unknown[]) => {
  contexts.push(getTaskContext());
  runs.push(args);
});
const purge = deferrable('sessions.purgeExpired', () => {
  throw new PermanentTaskFailure('nothing to purge, ever');
});
const manifest = createManifest([dailySummary, purge]);

// The jobs exactly as `cron apply` creates them.
const scheduler = schedulerRuns('functions-cron.yaml', { audience: AUDIENCE, serviceAccount: SA });
const { key, logs } = scheduler;
beforeEach(() => {
  contexts.length = 0;
  runs.length = 0;
});

/** The request Cloud Scheduler's HTTP target sends for `name`, scheduled at 2026-06-15T07:00:00Z. */
const schedulerRequest = (name: string, token?: string | Promise<string>) =>
  scheduler.request(name, { scheduleTime: '2026-06-15T07:00:00Z', token });

test('a run runs the function with its arguments and a task context naming the job and its schedule time', async () => {
  const response = await handleDeferredRequest(await schedulerRequest('daily-summary'), { manifest, config });
  expect(response.status).toBe(200);
  expect(runs).toEqual([['eu', { dryRun: false }]]);
  expect(contexts[0]).toMatchObject({
    functionId: 'reports.dailySummary',
    attempt: 1,
    cronJob: { name: 'daily-summary', scheduleTime: new Date('2026-06-15T07:00:00Z') },
  });
  expect(contexts[0].enqueuedAt).toEqual(new Date('2026-06-15T07:00:00Z'));
  expect(contexts[0].queueName).toBeUndefined();
  expect(logs.find((l) => l.message.startsWith('task success'))).toMatchObject({ task: { cronJob: 'daily-summary', status: 200 } });
});

test('the token check is the same: another account gets 403, no token 401, and nothing runs', async () => {
  const stranger = signIdToken(key, { aud: AUDIENCE, email: 'someone@else.iam.gserviceaccount.com' });
  expect((await handleDeferredRequest(await schedulerRequest('daily-summary', stranger), { manifest, config })).status).toBe(403);
  const noToken = await schedulerRequest('daily-summary');
  noToken.headers.delete('authorization');
  expect((await handleDeferredRequest(noToken, { manifest, config })).status).toBe(401);
  expect(runs).toEqual([]);
});

test('the status contract is the task one: PermanentTaskFailure answers 2xx and is dead-lettered', async () => {
  const dead: unknown[] = [];
  const response = await handleDeferredRequest(await schedulerRequest('purge-expired-sessions'), {
    manifest,
    config,
    deadLetter: (entry) => void dead.push(entry),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('x-deferred-outcome')).toBe('dead-lettered');
  expect(dead).toHaveLength(1);
});

describe('verifyCronRequest on a route of your own', () => {
  const route = async (request: Request) => {
    const cron = await verifyCronRequest(request, { config });
    if (!cron.ok) return cron.response;
    return Response.json({ job: cron.jobName, at: cron.scheduleTime?.toISOString(), email: cron.email });
  };

  test('accepts the scheduler’s token and reports the job and schedule time', async () => {
    const response = await route(await schedulerRequest('weekly-digest'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ job: 'weekly-digest', at: '2026-06-15T07:00:00.000Z', email: SA });
  });

  test('refuses without a token (401), with another account’s (403) or a wrong audience (401)', async () => {
    const noToken = new Request(`${AUDIENCE}/api/cron/weekly-digest`, {
      headers: { 'X-CloudScheduler': 'true', 'X-CloudScheduler-JobName': 'weekly-digest' },
    });
    expect((await route(noToken)).status).toBe(401);
    expect(
      (await route(await schedulerRequest('weekly-digest', signIdToken(key, { aud: AUDIENCE, email: 'x@y.iam.gserviceaccount.com' }))))
        .status,
    ).toBe(403);
    const wrongAudience = await route(
      await schedulerRequest('weekly-digest', signIdToken(key, { aud: 'https://other.example', email: SA })),
    );
    expect(wrongAudience.status).toBe(401);
    expect(await wrongAudience.json()).toEqual({ error: 'unauthorized' });
  });

  test('fails closed (500) when the configuration is missing', async () => {
    const saved = { ...process.env };
    for (const v of ['DEFERRED_SERVICE_URL', 'DEFERRED_AUDIENCE', 'DEFERRED_ALLOWED_EMAILS', 'DEFERRED_SERVICE_ACCOUNT'])
      delete process.env[v];
    // Options applied after the change: the settings are resolved again from this environment.
    const restore = applyTestOptions({});
    try {
      const verdict = await verifyCronRequest(await schedulerRequest('weekly-digest'));
      expect(verdict).toMatchObject({ ok: false, status: 500 });
    } finally {
      process.env = saved;
      restore();
    }
  });
});
