/**
 * The emulator's dispatch path, end to end (SQLite claim, HTTP attempt, outcome recorded):
 * 1. throughput to a trivial loopback target with no rate limit (tasks/s, median of rounds), with
 *    the emulator's CPU per task and the connections the target saw, for the file store (what
 *    `next-cloud-tasks dev` uses) and `:memory:`; goal >= 10,000 tasks/s;
 * 2. accuracy at 500/s, Cloud Tasks' per-queue maximum: the achieved steady rate, goal within 5%.
 * The target runs in its own process, so it does not share the emulator's event loop.
 * The 1,000,000-queued measures are bench/emulator-scale.bench.ts.
 * Run: npm run bench -- emulator (or npx tsx bench/emulator.bench.ts). BENCH_TASKS, BENCH_ROUNDS override.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { emulatorApi, fillPausedQueue } from '../test/emulator/support/emulator-api';
import { machine, median } from './support/stats';

const TASKS = Number(process.env.BENCH_TASKS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const RATE_TASKS = 2500;
const PARENT = 'projects/bench/locations/us-central1';

/** A target that answers 200 at once, in a child process; `connections()` asks it how many TCP connections it accepted. */
async function startTarget(): Promise<{ url: string; connections: () => Promise<number>; stop: () => void }> {
  const code = `let connections = 0;
    require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end(q.url === '/connections' ? String(connections) : 'ok')); })
      .on('connection', () => connections++)
      .listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  const base = `http://127.0.0.1:${port}`;
  // Asked on a connection of its own (counted too, hence the - 1).
  const connections = async () => Number(await (await fetch(`${base}/connections`)).text()) - 1;
  return { url: `${base}/task`, connections, stop: () => child.kill() };
}

/** Resumes the queue and records when each task started and when the last one succeeded. */
async function drain(
  emulator: EmulatorHandle,
  queue: string,
  count: number,
): Promise<{ starts: number[]; elapsedMs: number; cpuMs: number }> {
  const starts: number[] = [];
  let done = 0;
  const onStart = ({ task }: { task: { queue: string } }) => task.queue === queue && starts.push(performance.now());
  emulator.events.on('task:start', onStart);
  const finished = new Promise<void>((resolve) => {
    const onSuccess = ({ task }: { task: { queue: string } }) => {
      if (task.queue === queue && ++done === count) {
        emulator.events.off('task:success', onSuccess);
        resolve();
      }
    };
    emulator.events.on('task:success', onSuccess);
  });
  const cpu = process.cpuUsage();
  const begin = performance.now();
  await emulatorApi(emulator.url)('POST', `${queue}:resume`, {});
  await finished;
  const elapsedMs = performance.now() - begin;
  const used = process.cpuUsage(cpu);
  emulator.events.off('task:start', onStart);
  return { starts, elapsedMs, cpuMs: (used.user + used.system) / 1000 };
}

/** Rounds of TASKS tasks through a queue of max concurrency 1,000 (Cloud Tasks' default), no rate limit. */
async function throughput(data: string, target: Awaited<ReturnType<typeof startTarget>>) {
  const emulator = await startEmulator({ port: 0, data, rateLimits: 'ignore' });
  const rounds: { tasksPerSecond: number; cpuMicrosPerTask: number; newConnections: number }[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const queue = await fillPausedQueue(emulatorApi(emulator.url), {
        parent: PARENT,
        id: `fast-${round}`,
        rateLimits: { maxConcurrentDispatches: 1000 },
        count: TASKS,
        url: target.url,
      });
      const connectionsBefore = await target.connections();
      const { elapsedMs, cpuMs } = await drain(emulator, queue, TASKS);
      const result = {
        tasksPerSecond: Math.round(TASKS / (elapsedMs / 1000)),
        cpuMicrosPerTask: Math.round((cpuMs * 1000) / TASKS),
        newConnections: (await target.connections()) - connectionsBefore,
      };
      rounds.push(result);
      console.log(
        `throughput (${data === ':memory:' ? 'memory' : 'file'}) round ${round + 1}/${ROUNDS}: ${TASKS} tasks in ${elapsedMs.toFixed(0)} ms = ` +
          `${result.tasksPerSecond} tasks/s, ${result.cpuMicrosPerTask} µs CPU/task, ${result.newConnections} new connections`,
      );
    }
  } finally {
    await emulator.stop();
  }
  return {
    tasksPerRound: TASKS,
    rounds,
    medianTasksPerSecond: Math.round(median(rounds.map((r) => r.tasksPerSecond))),
    medianCpuMicrosPerTask: Math.round(median(rounds.map((r) => r.cpuMicrosPerTask))),
    goalTenThousandPerSecond: median(rounds.map((r) => r.tasksPerSecond)) >= 10_000,
  };
}

async function accuracyAt500(target: Awaited<ReturnType<typeof startTarget>>) {
  const limited = await startEmulator({ port: 0, data: ':memory:' });
  try {
    const queue = await fillPausedQueue(emulatorApi(limited.url), {
      parent: PARENT,
      id: 'five-hundred',
      rateLimits: { maxDispatchesPerSecond: 500 },
      count: RATE_TASKS,
      url: target.url,
    });
    const { starts, elapsedMs } = await drain(limited, queue, RATE_TASKS);
    // The steady rate after the initial burst (max burst 100 at 500/s).
    const burst = 100;
    const steady = (starts.length - 1 - burst) / ((starts[starts.length - 1] - starts[burst]) / 1000);
    const errorPercent = ((steady - 500) / 500) * 100;
    console.log(
      `accuracy at 500/s: steady ${steady.toFixed(1)} tasks/s (${errorPercent >= 0 ? '+' : ''}${errorPercent.toFixed(2)}%), ${RATE_TASKS} tasks in ${elapsedMs.toFixed(0)} ms`,
    );
    return {
      tasks: RATE_TASKS,
      burst,
      elapsedMs: Math.round(elapsedMs),
      steadyTasksPerSecond: Number(steady.toFixed(1)),
      errorPercent: Number(errorPercent.toFixed(2)),
      withinFivePercent: Math.abs(errorPercent) <= 5,
    };
  } finally {
    await limited.stop();
  }
}

async function main(): Promise<void> {
  const target = await startTarget();
  const dir = mkdtempSync(join(tmpdir(), 'emulator-bench-'));
  const results: Record<string, unknown> = machine();
  try {
    results.throughputFile = await throughput(join(dir, 'state.sqlite'), target);
    results.throughputMemory = await throughput(':memory:', target);
    results.accuracyAt500 = await accuracyAt500(target);
  } finally {
    target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const out = join(__dirname, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'emulator.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
  if (!(results.accuracyAt500 as { withinFivePercent: boolean }).withinFivePercent) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
