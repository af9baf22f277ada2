/**
 * What the fresh-app tests share: packing lib/ as npm publishes it, running commands in an app
 * folder with a clean environment (none of this repo's npm, jest or adapter variables), and
 * long-running children (the emulator, `next start`) stopped by their pid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ROOT } from '../helpers/next-server';

export interface PackResult {
  tarball: string;
  /** Bytes of the .tgz. */
  size: number;
  unpackedSize: number;
  files: { path: string; size: number; mode: number }[];
}

/** Newest modification time of the files under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * `npm pack` of lib/ into `dest`. The build is `npm test`'s pretest (scripts/preflight.mjs): packing
 * with --ignore-scripts does not rebuild lib/dist under the other test files that use it; a
 * dist older than the sources fails here instead of testing stale code.
 */
export function packLib(dest: string): PackResult {
  const lib = join(ROOT, 'lib');
  const built = statSync(join(lib, 'dist/index.js'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (newestMtime(join(lib, 'src')) > built) {
    throw new Error('lib/dist is older than lib/src (or missing): run `npm run build:lib` first (`npm test` does)');
  }
  const result = runOk('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], { cwd: lib });
  const [pack] = JSON.parse(result.stdout) as { filename: string; size: number; unpackedSize: number; files: PackResult['files'] }[];
  return { tarball: join(dest, pack.filename), size: pack.size, unpackedSize: pack.unpackedSize, files: pack.files };
}

/** Variables a child must not inherit: npm's (from `npm test`), jest's, Node's options, and every setting of the adapter. */
const INHERITED_NOT = /^(npm_|NODE_OPTIONS$|NODE_ENV$|JEST_|INIT_CWD$|DEFERRED_|CLOUD_TASKS_|GOOGLE_|NEXT_|PORT$|MODULE_PROBE_FILE$)/;

/** The environment of a user's shell: this process's, less what only this repo's test run sets. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !INHERITED_NOT.test(key)) env[key] = value;
  // npm run puts this repo's node_modules/.bin first on the PATH: a user's shell has none of it.
  if (env.PATH)
    env.PATH = env.PATH.split(delimiter)
      .filter((dir) => !/node_modules[\\/]\.bin|node-gyp-bin/.test(dir))
      .join(delimiter);
  // NODE_ENV stays unset, as in a shell: `next build` and `next start` set it themselves.
  return {
    ...env,
    NEXT_TELEMETRY_DISABLED: '1',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...extra,
  } as unknown as NodeJS.ProcessEnv;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to its end (a clean environment plus `env`). */
export function run(
  command: string,
  args: string[],
  { cwd, env = {}, timeoutMs = 300_000 }: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): RunResult {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, env: cleanEnv(env), encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}

/** `run`, throwing with everything the command printed when it fails. */
export function runOk(command: string, args: string[], options: Parameters<typeof run>[2]): RunResult {
  const result = run(command, args, options);
  if (result.status !== 0) {
    throw new Error(`\`${command} ${args.join(' ')}\` in ${options.cwd} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

export interface Child {
  process: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if the child exits first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL after 10 s; resolves when it has exited. */
  stop(): Promise<void>;
}

/** Starts a long-running command (its own pid: no shell, no npx in between), as another user when given `uid`/`gid`. */
export function startChild(
  command: string,
  args: string[],
  { cwd, env = {}, uid, gid }: { cwd: string; env?: Record<string, string>; uid?: number; gid?: number },
): Child {
  const child = spawn(command, args, { cwd, env: cleanEnv(env), uid, gid, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    output: () => output,
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(output);
        if (match) return match;
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`${command} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`${command} did not print ${pattern} within ${timeoutMs} ms:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    },
  };
}
