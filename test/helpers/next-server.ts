import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
/** Tests build into their own folder, so a developer's running `next dev` keeps .next. */
export const TEST_DIST_DIR = '.next-test';
const NEXT_BIN = join(ROOT, 'node_modules/next/dist/bin/next');

/** A free loopback port (the server must know its own URL before it starts: DEFERRED_SERVICE_URL). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

const BUILD_TIMEOUT_MS = 300_000;

/**
 * `next build` into `distDir` once per test run (jest's globalSetup sets NEXT_TEST_BUILD_ID),
 * shared by every test file and worker: a lock folder keeps two workers from building at once.
 * A lock older than a build can take was left by a run that was killed mid-build, and is removed.
 */
export async function buildOncePerRun(distDir: string, env: Record<string, string> = {}): Promise<void> {
  const runId = process.env.NEXT_TEST_BUILD_ID ?? 'manual';
  const stamp = join(ROOT, distDir, 'BUILT_FOR');
  const lock = join(ROOT, `${distDir}.lock`);
  const built = () => existsSync(stamp) && readFileSync(stamp, 'utf8') === runId;
  for (;;) {
    if (built()) return;
    try {
      mkdirSync(lock);
    } catch {
      const lockedAt = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - lockedAt > BUILD_TIMEOUT_MS) {
        console.warn(`Removing ${lock}, left by a test run killed while building; building again.`);
        rmSync(lock, { recursive: true, force: true });
      }
      await sleep(500);
      continue;
    }
    try {
      if (built()) return;
      const result = spawnSync(process.execPath, [NEXT_BIN, 'build'], {
        cwd: ROOT,
        env: {
          ...process.env,
          ...env,
          NEXT_DIST_DIR: distDir,
          NEXT_TELEMETRY_DISABLED: '1',
          NODE_ENV: 'production',
          NEXT_SKIP_TYPECHECK: '1',
        },
        encoding: 'utf8',
        timeout: BUILD_TIMEOUT_MS,
      });
      if (result.status !== 0) throw new Error(`next build into ${distDir} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
      writeFileSync(stamp, runId);
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** The production build the `next start` tests share. */
export const buildNextApp = () => buildOncePerRun(TEST_DIST_DIR);

export interface RunningServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Waits until `url` answers at all (any status), or the process dies, or time runs out. */
export async function waitForHttp(url: string, child: ChildProcess, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before answering:\n${output()}`);
    try {
      await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await sleep(150);
    }
  }
  throw new Error(`server did not answer at ${url} within ${timeoutMs} ms:\n${output()}`);
}

export interface StartServerOptions {
  port: number;
  env: Record<string, string>;
  cwd?: string;
  readyPath?: string;
  /**
   * Send the server's output to this file instead of a pipe into this process: under load, a
   * pipe makes the test process (often the load generator too) read every log line.
   */
  logFile?: string;
}

/** Starts a command as a server on loopback and returns once it answers HTTP. */
export async function startServer(command: string[], options: StartServerOptions): Promise<RunningServer> {
  const logFd = options.logFile ? openSync(options.logFile, 'a') : undefined;
  const child = spawn(command[0], command.slice(1), {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...options.env },
    stdio: ['ignore', logFd ?? 'pipe', logFd ?? 'pipe'],
  });
  let piped = '';
  child.stdout?.on('data', (chunk) => (piped += chunk));
  child.stderr?.on('data', (chunk) => (piped += chunk));
  const output = () => (options.logFile ? readFileSync(options.logFile, 'utf8') : piped);
  const url = `http://127.0.0.1:${options.port}`;
  const server: RunningServer = {
    url,
    port: options.port,
    process: child,
    output,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
  try {
    await waitForHttp(url + (options.readyPath ?? '/'), child, output);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** `next start` of the test build on a free loopback port, with the given environment. */
export async function startNextServer(
  env: Record<string, string>,
  port?: number,
  options: { logFile?: string } = {},
): Promise<RunningServer> {
  await buildNextApp();
  const listenPort = port ?? (await freePort());
  return startServer([process.execPath, NEXT_BIN, 'start', '-p', String(listenPort), '-H', '127.0.0.1'], {
    port: listenPort,
    env: { NEXT_DIST_DIR: TEST_DIST_DIR, NODE_ENV: 'production', ...env },
    logFile: options.logFile,
  });
}
