/**
 * What `next-cloud-tasks dev` and `next-cloud-tasks start` share: the local Cloud Tasks emulator,
 * then a Next server in the app's folder (`next dev`, or `next start` of the build) with every
 * variable the app needs pointed at the emulator, so a deferred task runs, retries and
 * dead-letters on a laptop with no Google account. Ctrl-C stops both; if one dies, the other is
 * stopped too.
 *
 * Settings (environment): PORT (app, default 3000), CLOUD_TASKS_EMULATOR_HOST (default
 * 127.0.0.1:8123), GOOGLE_CLOUD_PROJECT, CLOUD_TASKS_LOCATION, DEFERRED_SERVICE_URL,
 * DEFERRED_SERVICE_ACCOUNT; a value already set wins.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV, envText } from '../contract/env.js';
import { splitHostPort } from '../contract/host-port.js';
import { detectPackageRunner } from '../runtime/package-runner.js';
import { emulatedAppEnv, formatAppEnv, localAppPort, localAppUrl } from './emulated-app-env.js';

const STOP_GRACE_MS = 5000;
const BIN = fileURLToPath(new URL('./bin.js', import.meta.url));

/** Which Next server runs beside the emulator. */
export type NextCommand = 'dev' | 'start';

/** What `start` adds to the usage text. */
const NEEDS_BUILD: Record<NextCommand, string> = {
  dev: '',
  start: '\nRun `next build` first: `next start` serves the production build in .next.',
};

export const usageOf = (command: NextCommand) => `Usage: next-cloud-tasks ${command} [emulator options] [-- next ${command} options]

Starts the local Cloud Tasks emulator, then \`next ${command}\` in this folder with the app's
environment pointed at it (printed at start). Ctrl-C stops both.${NEEDS_BUILD[command]}
Emulator options: see \`next-cloud-tasks emulator --help\`. Environment: PORT (default 3000),
CLOUD_TASKS_EMULATOR_HOST (default 127.0.0.1:8123); a variable already set wins.`;

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

interface Supervisor {
  /** Starts `node <argv>` with its output prefixed by `label`; when it exits on its own, the rest is stopped. */
  start(label: string, argv: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void): void;
  /** Stops every child (SIGTERM, then SIGKILL after a grace period) and resolves with `code`. */
  stopAll(code: number): void;
}

/** Runs children until Ctrl-C, or until one of them exits; `done` gets the exit code once. */
function supervise(done: (code: number) => void): Supervisor {
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
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));
  return {
    stopAll,
    start(label, argv, env, onLine) {
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
    },
  };
}

/** Runs the emulator and `next <command>` until Ctrl-C or until one of them exits; resolves with the exit code. */
export function runAppWithEmulator(command: NextCommand, args: string[]): Promise<number> {
  if (args[0] === '--help' || args[0] === '-h') {
    console.log(usageOf(command));
    return Promise.resolve(0);
  }
  const split = args.indexOf('--');
  const emulatorFlags = split < 0 ? args : args.slice(0, split);
  const nextFlags = split < 0 ? [] : args.slice(split + 1);
  const appPort = localAppPort(process.env);
  const emulatorHost = envText(process.env, ENV.emulatorHost) ?? '127.0.0.1:8123';
  const { host: emulatorAddress, port: emulatorPort } = splitHostPort(emulatorHost);
  const appEnv = emulatedAppEnv(process.env, { emulatorHost, appUrl: localAppUrl(process.env) });
  const label = `[${command}]`;
  const emulatorArgs = [
    ...[BIN, 'emulator', '--host', emulatorAddress, '--port', String(emulatorPort)],
    ...['--project', appEnv.GOOGLE_CLOUD_PROJECT, '--location', appEnv.CLOUD_TASKS_LOCATION, '--app-url', appEnv.DEFERRED_SERVICE_URL],
    ...emulatorFlags,
  ];

  return new Promise((done) => {
    const children = supervise(done);
    let appStarted = false;
    children.start('[emulator]', emulatorArgs, process.env, (line) => {
      // Start the app only once the emulator listens: its first defer() must not hit a closed port.
      if (appStarted || !/listening on http/.test(line)) return;
      appStarted = true;
      let nextBin: string;
      try {
        nextBin = createRequire(join(process.cwd(), 'package.json')).resolve('next/dist/bin/next');
      } catch {
        console.error(
          `${label} no Next.js installed in ${process.cwd()}: run this in your app's folder (${detectPackageRunner().add} next)`,
        );
        return children.stopAll(1);
      }
      console.log(`${label} app env: ${formatAppEnv(appEnv)}`);
      // Loopback only, like the emulator: the app's task route is reachable with an emulator token.
      const nextArgs = [nextBin, command, '--hostname', '127.0.0.1', '--port', appPort, ...nextFlags];
      children.start('[next]', nextArgs, { ...process.env, ...appEnv });
      console.log(`${label} app http://127.0.0.1:${appPort}  emulator dashboard http://${emulatorHost}/  (Ctrl-C stops both)`);
    });
  });
}
