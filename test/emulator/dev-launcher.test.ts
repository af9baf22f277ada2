/**
 * `next-cloud-tasks dev` (`npm run dev` here): one command starts the emulator and `next dev` with
 * the app's environment pointed at the emulator; Ctrl-C (SIGINT) stops both. `start` is the same
 * launcher with `next start` (test/fresh-app/package-managers.test.ts runs it on a real build);
 * here, its failure without a build.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT } from '../helpers/next-server';

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** `next-cloud-tasks <command> --data :memory: --quiet` in `cwd`, on free ports; its output collected. */
async function launch(command: 'dev' | 'start', cwd: string) {
  const [appPort, emulatorPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/.bin/next-cloud-tasks'), command, '--data', ':memory:', '--quiet'], {
    cwd,
    env: { ...process.env, PORT: String(appPort), CLOUD_TASKS_EMULATOR_HOST: `127.0.0.1:${emulatorPort}`, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, appPort, emulatorPort, exited, output: () => output };
}

test('starts the emulator, then next dev pointed at it; SIGINT stops both', async () => {
  const { child, appPort, emulatorPort, exited, output } = await launch('dev', ROOT);
  try {
    const deadline = Date.now() + 40_000;
    // next dev may listen before its first line has come through the launcher's pipe: wait for both.
    const ready = async () => /\[next\] /.test(output()) && (await accepts(appPort));
    while (!(await ready()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await accepts(appPort)).toBe(true);
    expect(output()).toContain(`[emulator] Cloud Tasks emulator listening on http://127.0.0.1:${emulatorPort}`);
    expect(output()).toContain(`CLOUD_TASKS_EMULATOR_HOST=127.0.0.1:${emulatorPort}`);
    expect(output()).toMatch(/\[next\] /);
    const dashboard = await fetch(`http://127.0.0.1:${emulatorPort}/`);
    expect(dashboard.status).toBe(200);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await accepts(appPort)).toBe(false);
    expect(await accepts(emulatorPort)).toBe(false);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 60_000);

test('`start` without a production build: next start says so, the emulator is stopped, and it exits non-zero', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'start-no-build-'));
  writeFileSync(join(dir, 'package.json'), '{"name":"app","private":true}');
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const { child, emulatorPort, exited, output } = await launch('start', dir);
  try {
    const code = await exited;
    expect(output()).toContain(`[emulator] Cloud Tasks emulator listening on http://127.0.0.1:${emulatorPort}`);
    expect(output()).toMatch(/\[next\] .*production build/i);
    expect(output()).toMatch(/\[next\] exited \(1\); stopping the rest/);
    expect(code).toBe(1);
    expect(await accepts(emulatorPort)).toBe(false);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
