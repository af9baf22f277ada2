/**
 * `npm run dev`: the local Cloud Tasks emulator and `next dev` in one command, the app's
 * environment pointed at the emulator, so that a deferred task runs, retries and dead-letters
 * on a laptop with no Google account. Ctrl-C stops both; if one dies, the other is stopped too.
 *
 * Settings (environment): PORT (app, default 3000), CLOUD_TASKS_EMULATOR_HOST (default
 * 127.0.0.1:8123), GOOGLE_CLOUD_PROJECT, CLOUD_TASKS_LOCATION, DEFERRED_SERVICE_ACCOUNT; a value
 * already set wins. Arguments after `--` go to the emulator (e.g. `npm run dev -- --data :memory:`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { splitHostPort } from '../lib/deferred/cloud-tasks-client';

const ROOT = join(__dirname, '..');
const STOP_GRACE_MS = 5000;

const appPort = process.env.PORT ?? '3000';
const emulatorHost = process.env.CLOUD_TASKS_EMULATOR_HOST ?? '127.0.0.1:8123';
const { host: emulatorAddress, port: emulatorPort } = splitHostPort(emulatorHost);
const project = process.env.GOOGLE_CLOUD_PROJECT ?? 'dev-project';

/** What the app reads (lib/deferred/config.ts), pointed at the emulator. */
const appEnv: Record<string, string> = {
  GOOGLE_CLOUD_PROJECT: project,
  CLOUD_TASKS_LOCATION: process.env.CLOUD_TASKS_LOCATION ?? 'us-central1',
  DEFERRED_SERVICE_URL: process.env.DEFERRED_SERVICE_URL ?? `http://127.0.0.1:${appPort}`,
  DEFERRED_SERVICE_ACCOUNT: process.env.DEFERRED_SERVICE_ACCOUNT ?? `deferred-tasks@${project}.iam.gserviceaccount.com`,
  CLOUD_TASKS_EMULATOR_HOST: emulatorHost,
};

const children = new Set<ChildProcess>();
let stopping = false;

/** Prefixes each line of a child's output, so the two logs stay readable side by side. */
function pipeLines(child: ChildProcess, label: string, onLine?: (line: string) => void): void {
  for (const [stream, out] of [[child.stdout, process.stdout], [child.stderr, process.stderr]] as const) {
    let partial = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        out.write(`${label} ${line}\n`);
        onLine?.(line);
      }
    });
  }
}

function start(label: string, args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  pipeLines(child, label, onLine);
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`${label} exited (${signal ?? code}); stopping the rest`);
      stopAll(code ?? 1);
    } else if (children.size === 0) process.exit(exitCode);
  });
  return child;
}

let exitCode = 0;
function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  exitCode = code;
  if (children.size === 0) process.exit(code);
  for (const child of children) child.kill('SIGTERM');
  // next dev may wait on its workers; do not hang the terminal.
  setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(code);
  }, STOP_GRACE_MS).unref();
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

const emulatorArgs = ['--import', 'tsx', join(ROOT, 'lib/emulator/cli.ts'), '--host', emulatorAddress, '--port', String(emulatorPort), '--project', appEnv.GOOGLE_CLOUD_PROJECT, '--location', appEnv.CLOUD_TASKS_LOCATION, ...process.argv.slice(2)];
let appStarted = false;
start('[emulator]', emulatorArgs, process.env, (line) => {
  // Start the app only once the emulator listens: its first defer() must not hit a closed port.
  if (appStarted || !/listening on http/.test(line)) return;
  appStarted = true;
  const nextBin = createRequire(join(ROOT, 'package.json')).resolve('next/dist/bin/next');
  // Loopback only, like the emulator: the app's task route is reachable with an emulator token.
  start('[next]', [nextBin, 'dev', '--hostname', '127.0.0.1', '--port', appPort], { ...process.env, ...appEnv });
  console.log(`[dev] app http://127.0.0.1:${appPort}  emulator dashboard http://${emulatorHost}/  (Ctrl-C stops both)`);
});
