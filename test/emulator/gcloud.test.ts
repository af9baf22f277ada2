/**
 * `gcloud tasks` (Debian's google-cloud-cli) against the emulator, set up as docs/emulator.md
 * says: a throwaway CLOUDSDK_CONFIG with api_endpoint_overrides/cloudtasks (and /appengine, so
 * gcloud picks the location itself) pointing at it, and a dummy access token. Skipped, saying so,
 * where gcloud is not installed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { describeIfInstalled, runs } from './support/installed';
import { startTargetServer, type TargetServer } from './support/target-server';

const run = promisify(execFile);
const maybe = describeIfInstalled(
  runs('gcloud', ['--version']),
  'gcloud.test.ts',
  'gcloud is not installed (apt-get install -y google-cloud-cli)',
);

maybe('gcloud tasks against the emulator', () => {
  let emulator: EmulatorHandle;
  let target: TargetServer;
  let config: string;
  let env: Record<string, string | undefined>;

  /** Runs gcloud; resolves with stdout and stderr whether it succeeded or not. */
  const gcloud = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run('gcloud', args, { env: env as NodeJS.ProcessEnv, timeout: 60_000 });
      return { ok: true, stdout, stderr };
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      return { ok: false, stdout, stderr };
    }
  };

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, data: ':memory:', project: 'gcloud-project', location: 'us-central1' });
    target = await startTargetServer(() => ({ status: 200 }));
    config = mkdtempSync(join(tmpdir(), 'gcloud-config-'));
    env = {
      PATH: process.env.PATH,
      HOME: config,
      CLOUDSDK_CONFIG: config,
      CLOUDSDK_AUTH_ACCESS_TOKEN: 'dummy-token',
      CLOUDSDK_CORE_PROJECT: 'gcloud-project',
      CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    };
    for (const api of ['cloudtasks', 'appengine']) {
      const set = await gcloud('config', 'set', `api_endpoint_overrides/${api}`, `${emulator.url}/`);
      expect(set).toMatchObject({ ok: true });
    }
  }, 60_000);

  afterAll(async () => {
    await emulator?.stop();
    await target?.close();
    if (config) rmSync(config, { recursive: true, force: true });
  });

  test('locations list, and queues and tasks without --location', async () => {
    const locations = await gcloud('tasks', 'locations', 'list');
    expect(locations.stdout).toMatch(/us-central1\s+projects\/gcloud-project\/locations\/us-central1/);
    expect(await gcloud('tasks', 'queues', 'create', 'plain')).toMatchObject({ ok: true });
    const described = await gcloud('tasks', 'queues', 'describe', 'plain', '--format=json');
    const queue = JSON.parse(described.stdout);
    expect(queue.name).toBe('projects/gcloud-project/locations/us-central1/queues/plain');
    // As on Cloud Tasks: a default queue has no maxRetryDuration.
    expect(queue.retryConfig).not.toHaveProperty('maxRetryDuration');
  }, 60_000);

  test('a queue with --http-uri-override and --http-header-override routes the tasks gcloud creates and buffers', async () => {
    const port = new URL(target.url).port;
    const created = await gcloud(
      'tasks',
      'queues',
      'create',
      'routed',
      '--location=us-central1',
      `--http-uri-override=scheme:http,host:127.0.0.1,port:${port},path:/routed`,
      '--http-header-override=X-Tenant:acme',
    );
    expect(created).toMatchObject({ ok: true });
    const queue = JSON.parse((await gcloud('tasks', 'queues', 'describe', 'routed', '--location=us-central1', '--format=json')).stdout);
    expect(queue.httpTarget).toMatchObject({
      uriOverride: { scheme: 'HTTP', host: '127.0.0.1', port, pathOverride: { path: '/routed' } },
      headerOverrides: [{ header: { key: 'X-Tenant', value: 'acme' } }],
    });

    const task = await gcloud(
      'tasks',
      'create-http-task',
      'by-gcloud',
      '--queue=routed',
      '--location=us-central1',
      '--url=http://127.0.0.1:9/own',
    );
    expect(task).toMatchObject({ ok: true });
    const buffered = await gcloud('tasks', 'buffer', '--queue=routed', '--location=us-central1');
    expect(buffered.stderr).toMatch(/Buffered task in queue/);
    const received = await target.waitFor(2);
    expect(received.map((request) => request.path)).toEqual(['/routed', '/routed']);
    expect(received.map((request) => request.headers['x-tenant'])).toEqual(['acme', 'acme']);
  }, 60_000);

  test("a created task's stored headers, and Google's messages for errors", async () => {
    await gcloud('tasks', 'queues', 'create', 'held', '--location=us-central1');
    await gcloud('tasks', 'queues', 'pause', 'held', '--location=us-central1');
    await gcloud('tasks', 'create-http-task', 'kept', '--queue=held', '--location=us-central1', `--url=${target.url}/x`, '--header=X-B:c');
    const described = JSON.parse(
      (await gcloud('tasks', 'describe', 'kept', '--queue=held', '--location=us-central1', '--format=json')).stdout,
    );
    expect(described.httpRequest.headers).toEqual({ 'User-Agent': 'Google-Cloud-Tasks', 'X-B': 'c' });

    const missing = await gcloud('tasks', 'describe', 'nope', '--queue=held', '--location=us-central1');
    expect(missing.ok).toBe(false);
    expect(missing.stderr).toMatch(/NOT_FOUND: Requested entity was not found\./);

    expect(await gcloud('tasks', 'queues', 'delete', 'held', '--location=us-central1')).toMatchObject({ ok: true });
    const again = await gcloud('tasks', 'queues', 'create', 'held', '--location=us-central1');
    expect(again.ok).toBe(false);
    expect(again.stderr).toMatch(/FAILED_PRECONDITION: The queue cannot be created because a queue with this name existed too recently\./);
  }, 60_000);
});
