/**
 * The real `next-cloud-tasks dev` (the emulator and `next dev` of the demo): a queue added to
 * queue.yaml while it runs is accepted by defer() in the app (its route handler) and created by
 * the emulator, without a restart, and its task runs. The app and the emulator read the same
 * file: DEFERRED_QUEUE_YAML, here a copy in a temporary folder, so the repository's stays as it is.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT, waitForHttp } from '../helpers/next-server';

jest.setTimeout(180_000);

test('a queue added to queue.yaml while dev runs is accepted by defer(), created by the emulator, and runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dev-reload-'));
  const queueYaml = join(dir, 'queue.yaml');
  writeFileSync(queueYaml, 'queue:\n- name: default\n  rate: 10/s\n');
  const [appPort, emulatorPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/.bin/next-cloud-tasks'), 'dev', '--data', ':memory:'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(appPort),
      CLOUD_TASKS_EMULATOR_HOST: `127.0.0.1:${emulatorPort}`,
      DEFERRED_QUEUE_YAML: queueYaml,
      // Its own build folder: a developer's `next dev` (.next) and the other tests' builds stay untouched.
      NEXT_DIST_DIR: '.next-dev-reload',
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const app = `http://127.0.0.1:${appPort}`;
  const greet = (name: string, queue: string) =>
    fetch(`${app}/api/greetings`, { method: 'POST', body: JSON.stringify({ name, queue }), signal: AbortSignal.timeout(90_000) });
  try {
    await waitForHttp(`${app}/api/greetings`, child, () => output, 120_000);
    expect(output).toContain(`queue.yaml: ${queueYaml} (1 queues)`);

    const refused = await greet('Before', 'reports');
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: string }).error).toMatch(
      /queue "reports" is not defined in .*queue\.yaml; known queues: default\./,
    );

    appendFileSync(queueYaml, '- name: reports\n  rate: 5/s\n');
    const accepted = await greet('After', 'reports');
    const body = (await accepted.json()) as { task: string; error?: string };
    expect(body.error).toBeUndefined();
    expect(accepted.status).toBe(202);
    expect(body.task).toMatch(/\/queues\/reports\/tasks\//);

    const queue = await fetch(`http://127.0.0.1:${emulatorPort}/v2/projects/dev-project/locations/us-central1/queues/reports`);
    expect(((await queue.json()) as { rateLimits: { maxDispatchesPerSecond: number } }).rateLimits.maxDispatchesPerSecond).toBe(5);
    const deadline = Date.now() + 60_000;
    let names: string[] = [];
    while (!names.includes('After') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      names = ((await (await fetch(`${app}/api/greetings`)).json()) as { name: string }[]).map((g) => g.name);
    }
    expect(names).toContain('After');
    expect(output).toMatch(/\[emulator\] .*queue\.yaml changed: 2 queues loaded \(new: reports\)/);
  } finally {
    child.kill('SIGINT');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(ROOT, '.next-dev-reload'), { recursive: true, force: true });
  }
});
