/**
 * `next-cloud-tasks dev [emulator options] [-- next dev options]`: the local Cloud Tasks emulator
 * and `next dev` in the app's folder, with every variable the app needs pointed at the emulator,
 * so a deferred task runs, retries and dead-letters on a laptop with no Google account. Ctrl-C
 * stops both; if one dies, the other is stopped too.
 *
 * Settings (environment): PORT (app, default 3000), CLOUD_TASKS_EMULATOR_HOST (default
 * 127.0.0.1:8123), GOOGLE_CLOUD_PROJECT, CLOUD_TASKS_LOCATION, DEFERRED_SERVICE_URL,
 * DEFERRED_SERVICE_ACCOUNT; a value already set wins.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitHostPort } from '../contract/host-port.js';
import { ENV, envText } from '../contract/env.js';
import { emulatedAppEnv, formatAppEnv, localAppPort, localAppUrl } from './emulated-app-env.js';

const STOP_GRACE_MS = 5000;
const BIN = fileURLToPath(new URL('./bin.js', import.meta.url));

export const DEV_USAGE = `Usage: next-cloud-tasks dev [emulator options] [-- next dev options]

Starts the local Cloud Tasks emulator, then \`next dev\` in this folder with the app's environment
pointed at it (printed at start). Ctrl-C stops both. Emulator options: see
\`next-cloud-tasks emulator --help\`. Environment: PORT (default 3000), CLOUD_TASKS_EMULATOR_HOST
(default 127.0.0.1:8123); a variable already set wins.`;

/** Prefixes each line of a child's output, so the two logs stay readable side by side. */
function pipeLines(child: ChildProcess, label: string, onLine?: (line: string) => void): void {
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ] as const) {
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

export function runDevCommand(args: string[]): Promise<number> {
  if (args[0] === '--help' || args[0] === '-h') {
    console.log(DEV_USAGE);
    return Promise.resolve(0);
  }
  const split = args.indexOf('--');
  const emulatorFlags = split < 0 ? args : args.slice(0, split);
  const nextFlags = split < 0 ? [] : args.slice(split + 1);
  const appPort = localAppPort(process.env);
  const emulatorHost = envText(process.env, ENV.emulatorHost) ?? '127.0.0.1:8123';
  const { host: emulatorAddress, port: emulatorPort } = splitHostPort(emulatorHost);
  const appEnv = emulatedAppEnv(process.env, { emulatorHost, appUrl: localAppUrl(process.env) });

  return new Promise((done) => {
    const children = new Set<ChildProcess>();
    let stopping = false;
    let exitCode = 0;
    const stopAll = (code: number) => {
      if (stopping) return;
      stopping = true;
      exitCode = code;
      if (children.size === 0) return done(code);
      for (const child of children) child.kill('SIGTERM');
      // next dev may wait on its workers; do not hang the terminal.
      setTimeout(() => {
        for (const child of children) child.kill('SIGKILL');
        done(code);
      }, STOP_GRACE_MS).unref();
    };
    const start = (label: string, argv: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void) => {
      const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      pipeLines(child, label, onLine);
      child.once('exit', (code, signal) => {
        children.delete(child);
        if (!stopping) {
          console.error(`${label} exited (${signal ?? code}); stopping the rest`);
          stopAll(code ?? 1);
        } else if (children.size === 0) done(exitCode);
      });
    };
    process.on('SIGINT', () => stopAll(0));
    process.on('SIGTERM', () => stopAll(0));

    const emulatorArgs = [
      BIN,
      'emulator',
      '--host',
      emulatorAddress,
      '--port',
      String(emulatorPort),
      '--project',
      appEnv.GOOGLE_CLOUD_PROJECT,
      '--location',
      appEnv.CLOUD_TASKS_LOCATION,
      '--app-url',
      appEnv.DEFERRED_SERVICE_URL,
      ...emulatorFlags,
    ];
    let appStarted = false;
    start('[emulator]', emulatorArgs, process.env, (line) => {
      // Start the app only once the emulator listens: its first defer() must not hit a closed port.
      if (appStarted || !/listening on http/.test(line)) return;
      appStarted = true;
      let nextBin: string;
      try {
        nextBin = createRequire(join(process.cwd(), 'package.json')).resolve('next/dist/bin/next');
      } catch {
        console.error(`[dev] no Next.js installed in ${process.cwd()}: run this in your app's folder (npm install next)`);
        return stopAll(1);
      }
      console.log(`[dev] app env: ${formatAppEnv(appEnv)}`);
      // Loopback only, like the emulator: the app's task route is reachable with an emulator token.
      start('[next]', [nextBin, 'dev', '--hostname', '127.0.0.1', '--port', appPort, ...nextFlags], { ...process.env, ...appEnv });
      console.log(`[dev] app http://127.0.0.1:${appPort}  emulator dashboard http://${emulatorHost}/  (Ctrl-C stops both)`);
    });
  });
}
