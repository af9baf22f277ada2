import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT } from './next-server';

/** Debian's PostgreSQL (`apt-get install postgresql`; .ci/run installs it when missing), its newest version. */
function postgresBin(): string {
  if (process.env.POSTGRES_BIN_DIR) return process.env.POSTGRES_BIN_DIR;
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0] ?? '15';
  return `/usr/lib/postgresql/${newest}/bin`;
}
const BIN = postgresBin();

/** Creates the workflow schema, with world-postgres's own setup command, as docs/workflows.md tells users to. */
export function bootstrapWorkflowSchema(url: string): void {
  const setup = spawnSync(process.execPath, [join(ROOT, 'node_modules/@workflow/world-postgres/bin/setup.js')], {
    encoding: 'utf8',
    env: { ...process.env, WORKFLOW_POSTGRES_URL: url },
  });
  if (setup.status !== 0) throw new Error(`world-postgres setup failed:\n${setup.stdout}\n${setup.stderr}`);
}

/** `psql` of the same installation, for tests that look at the rows. */
export const PSQL = join(BIN, 'psql');

export interface ThrowawayPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, trust auth on loopback only. */
  url: string;
  port: number;
  /** The postmaster's PID (stopped by it). */
  pid: number;
  stop(): Promise<void>;
}

export const postgresAvailable = () => existsSync(join(BIN, 'initdb'));

/** Postgres refuses to run as root: as root, it runs as the `postgres` user the package made. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function run(command: string, args: string[]): void {
  const [cmd, argv] = asPostgres(command, args);
  const result = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${result.stderr || result.stdout}`);
}

/**
 * A new cluster in a temporary folder, listening on a free loopback port (and a socket in that
 * folder), trusting local connections; `stop()` shuts it down by its PID and deletes the folder.
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'nct-pg-'));
  if (process.getuid?.() === 0) {
    const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  const data = join(dir, 'data');
  run(join(BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const [cmd, argv] = asPostgres(join(BIN, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
  ]);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk) => (log += chunk));
  const pidFile = join(data, 'postmaster.pid');
  const deadline = Date.now() + 30_000;
  // Ready when pg_isready says so; the postmaster's PID is the first line of postmaster.pid.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}):\n${log}`);
    const ready = spawnSync(join(BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]).status === 0;
    if (ready && existsSync(pidFile)) break;
    if (Date.now() > deadline) throw new Error(`postgres did not start in 30 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    pid,
    async stop() {
      const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      // SIGINT: Postgres' fast shutdown (disconnect clients, stop cleanly).
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000).unref())]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
