/**
 * The start-up check and `next-cloud-tasks doctor`: every problem at once, each variable once, queue.yaml
 * included, and the doctor's exit code. (The real server exiting on a bad config is in
 * test/integration/standalone-build.test.ts.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSettings } from '@/lib/src/runtime/config';
import { inspectStartup, startupCheckMode } from '@/lib/src/runtime/startup-check';
import { ROOT } from '../helpers/next-server';
import { runToExit } from './support/processes';

const GOOD = {
  GOOGLE_CLOUD_PROJECT: 'my-project',
  CLOUD_TASKS_LOCATION: 'us-central1',
  DEFERRED_SERVICE_URL: 'https://app-abc123-uc.a.run.app',
  DEFERRED_SERVICE_ACCOUNT: 'tasks-invoker@my-project.iam.gserviceaccount.com',
  DEFERRED_QUEUE_YAML: join(ROOT, 'queue.yaml'),
};

test('a good production configuration has no problems and lists the queues of queue.yaml', () => {
  const report = inspectStartup(GOOD);
  expect(report.problems).toEqual([]);
  expect(report.queues?.names).toEqual(expect.arrayContaining(['default', 'bench']));
});

test('every problem is listed at once, each variable once, queue.yaml errors included', () => {
  const badYaml = join(mkdtempSync(join(tmpdir(), 'yaml-')), 'queue.yaml');
  writeFileSync(badYaml, 'queue:\n- name: default\n  rate: fast\n');
  const report = inspectStartup({
    ...GOOD,
    CLOUD_TASKS_LOCATION: ' ',
    DEFERRED_SERVICE_URL: 'app.run.app',
    DEFERRED_SERVICE_ACCOUNT: 'tasks',
    CLOUD_TASKS_EMULATOR_HOST: '127.0.0.1:8123',
    K_SERVICE: 'my-app',
    DEFERRED_QUEUE_YAML: badYaml,
  });
  expect(report.problems.map((p) => p.variable)).toEqual([
    'CLOUD_TASKS_LOCATION',
    'DEFERRED_SERVICE_URL',
    'DEFERRED_SERVICE_ACCOUNT',
    'CLOUD_TASKS_EMULATOR_HOST',
    'DEFERRED_QUEUE_YAML',
  ]);
  expect(report.problems[3].message).toMatch(/set on Cloud Run .*Remove it/);
  expect(report.problems[4].message).toMatch(/queue\.yaml:3:\d+: /);
});

test('tuning variables have defaults, but a malformed value is a problem', () => {
  const report = inspectStartup({
    ...GOOD,
    DEFERRED_STARTUP_CHECK: 'yes',
    DEFERRED_SHUTDOWN_GRACE_MS: '8s',
    DEFERRED_ENQUEUE_ATTEMPTS: '0',
  });
  expect(report.problems.map((p) => p.variable)).toEqual([
    'DEFERRED_STARTUP_CHECK',
    'DEFERRED_SHUTDOWN_GRACE_MS',
    'DEFERRED_ENQUEUE_ATTEMPTS',
  ]);
  expect(inspectStartup({ ...GOOD, DEFERRED_SHUTDOWN_GRACE_MS: '5000', DEFERRED_ENQUEUE_ATTEMPTS: '10' }).problems).toEqual([]);
});

test('a named queue.yaml that is missing is a problem; no file and no name means the implicit default queue', () => {
  expect(inspectStartup({ ...GOOD, DEFERRED_QUEUE_YAML: '/nonexistent/queue.yaml' }).problems.map((p) => p.variable)).toEqual([
    'DEFERRED_QUEUE_YAML',
  ]);
});

test('the check fails the start in production and warns in development unless DEFERRED_STARTUP_CHECK says otherwise', () => {
  expect(startupCheckMode({ NODE_ENV: 'production' })).toBe('fail');
  expect(startupCheckMode({ NODE_ENV: 'development' })).toBe('warn');
  expect(startupCheckMode({ NODE_ENV: 'production', DEFERRED_STARTUP_CHECK: 'warn' })).toBe('warn');
  expect(startupCheckMode({ NODE_ENV: 'production', DEFERRED_STARTUP_CHECK: 'bogus' })).toBe('fail');
});

describe('next-cloud-tasks doctor', () => {
  const doctor = (env: Record<string, string>) =>
    runToExit([process.execPath, join(ROOT, 'node_modules/.bin/next-cloud-tasks'), 'doctor'], {
      cwd: ROOT,
      env: {
        GOOGLE_CLOUD_PROJECT: '',
        CLOUD_TASKS_LOCATION: '',
        DEFERRED_SERVICE_URL: '',
        DEFERRED_SERVICE_ACCOUNT: '',
        DEFERRED_AUDIENCE: '',
        DEFERRED_ALLOWED_EMAILS: '',
        CLOUD_TASKS_EMULATOR_HOST: '',
        DEFERRED_PAYLOAD_BUCKET: '',
        STORAGE_EMULATOR_HOST: '',
        K_SERVICE: '',
        ...env,
      },
      timeoutMs: 30_000,
    });

  test('prints what it sees and exits 0 when the configuration works', async () => {
    const { code, output } = await doctor(GOOD);
    expect(output).toMatch(/DEFERRED_SERVICE_URL\s+https:\/\/app-abc123-uc\.a\.run\.app/);
    expect(output).toMatch(/token audience; unset: DEFERRED_SERVICE_URL \(https:\/\/app-abc123-uc\.a\.run\.app\)/);
    expect(output).toMatch(/^OK: /m);
    expect(code).toBe(0);
  });

  test('names each problem and exits 1', async () => {
    const { code, output } = await doctor({ ...GOOD, DEFERRED_SERVICE_ACCOUNT: 'nope' });
    expect(output).toMatch(/misconfigured \(1 problem\)/);
    expect(output).toMatch(/DEFERRED_SERVICE_ACCOUNT="nope" is not an email address/);
    expect(code).toBe(1);
  });

  test('checks the payload bucket: shows it, and names a malformed one with the form to use', async () => {
    const good = await doctor({ ...GOOD, DEFERRED_PAYLOAD_BUCKET: 'gs://my-project-deferred/payloads' });
    expect(good.output).toMatch(/DEFERRED_PAYLOAD_BUCKET\s+gs:\/\/my-project-deferred\/payloads/);
    expect(good.code).toBe(0);
    const bad = await doctor({ ...GOOD, DEFERRED_PAYLOAD_BUCKET: 'my-project-deferred', DEFERRED_PAYLOAD_OFFLOAD_BYTES: '5000000' });
    expect(bad.output).toMatch(/DEFERRED_PAYLOAD_BUCKET="my-project-deferred" must be gs:\/\/BUCKET or gs:\/\/BUCKET\/PREFIX/);
    expect(bad.output).toMatch(/DEFERRED_PAYLOAD_OFFLOAD_BYTES="5000000" must be a whole number of bytes up to 1048576/);
    expect(bad.code).toBe(1);
  });
});

/** What the run time uses for that tuning value in this environment (the default, when the value is malformed). */
const tuning = (key: 'shutdownGraceMs' | 'enqueueAttempts', env: Record<string, string>) => resolveSettings({}, env)[key];

test('the start-up check flags exactly the tuning values that the run time would ignore', () => {
  for (const value of ['0', '8000', '999999', '1e3', '1000000', '-1', '8s', '8000.5']) {
    const flagged = inspectStartup({ ...GOOD, DEFERRED_SHUTDOWN_GRACE_MS: value }).problems.length > 0;
    expect([value, flagged]).toEqual([value, tuning('shutdownGraceMs', { DEFERRED_SHUTDOWN_GRACE_MS: value }) !== Number(value)]);
  }
  for (const value of ['1', '4', '10', '0', '11', '05', '2.0', 'lots']) {
    const flagged = inspectStartup({ ...GOOD, DEFERRED_ENQUEUE_ATTEMPTS: value }).problems.length > 0;
    expect([value, flagged]).toEqual([value, tuning('enqueueAttempts', { DEFERRED_ENQUEUE_ATTEMPTS: value }) !== Number(value)]);
  }
});
