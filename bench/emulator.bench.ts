/**
 * The emulator's dispatch path, end to end (SQLite claim, HTTP attempt, outcome recorded):
 * 1. throughput to a trivial loopback target with no rate limit (tasks/s, median of runs);
 * 2. accuracy at 500/s, Cloud Tasks' per-queue maximum: the achieved steady rate, goal within 5%.
 * The target runs in its own process, so it does not share the emulator's event loop.
 * Run: npm run bench (or npx tsx bench/emulator.bench.ts). BENCH_TASKS, BENCH_ROUNDS override.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { emulatorApi, fillPausedQueue } from '../test/emulator/support/emulator-api';
import { machine, median } from './support/stats';

const TASKS = Number(process.env.BENCH_TASKS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const RATE_TASKS = 2500;
const PARENT = 'projects/bench/locations/us-central1';

/** A target that answers 200 at once, in a child process; resolves with its URL. */
async function startTarget(): Promise<{ url: string; stop: () => void }> {
  const code = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('ok')); })
    .listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  return { url: `http://127.0.0.1:${port}/task`, stop: () => child.kill() };
}

/** Creates a paused queue holding `count` tasks; returns its name. */
const fill = (emulator: EmulatorHandle, id: string, rateLimits: object, count: number, url: string): Promise<string> =>
  fillPausedQueue(emulatorApi(emulator.url), { parent: PARENT, id, rateLimits, count, url, batch: 100 });

/** Resumes the queue and records when each task started and when the last one succeeded. */
async function drain(emulator: EmulatorHandle, queue: string, count: number): Promise<{ starts: number[]; elapsedMs: number }> {
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
  const begin = performance.now();
  await emulatorApi(emulator.url)('POST', `${queue}:resume`, {});
  await finished;
  emulator.events.off('task:start', onStart);
  return { starts, elapsedMs: performance.now() - begin };
}

async function main(): Promise<void> {
  const target = await startTarget();
  const results: Record<string, unknown> = machine();
  try {
    // 1. Throughput, no rate limit (max concurrent 1000, Cloud Tasks' default).
    const unlimited = await startEmulator({ port: 0, data: ':memory:', rateLimits: 'ignore' });
    const rates: number[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const queue = await fill(unlimited, `fast-${round}`, { maxConcurrentDispatches: 1000 }, TASKS, target.url);
        const { elapsedMs } = await drain(unlimited, queue, TASKS);
        rates.push(TASKS / (elapsedMs / 1000));
        console.log(
          `throughput round ${round + 1}/${ROUNDS}: ${TASKS} tasks in ${elapsedMs.toFixed(0)} ms = ${rates[round].toFixed(0)} tasks/s`,
        );
      }
    } finally {
      await unlimited.stop();
    }
    results.throughput = { tasksPerRound: TASKS, rounds: rates.map(Math.round), medianTasksPerSecond: Math.round(median(rates)) };

    // 2. Accuracy at 500/s: the steady rate after the initial burst (max burst 100 at 500/s).
    const limited = await startEmulator({ port: 0, data: ':memory:' });
    try {
      const queue = await fill(limited, 'five-hundred', { maxDispatchesPerSecond: 500 }, RATE_TASKS, target.url);
      const { starts, elapsedMs } = await drain(limited, queue, RATE_TASKS);
      const burst = 100;
      const steady = (starts.length - 1 - burst) / ((starts[starts.length - 1] - starts[burst]) / 1000);
      const errorPercent = ((steady - 500) / 500) * 100;
      results.accuracyAt500 = {
        tasks: RATE_TASKS,
        burst,
        elapsedMs: Math.round(elapsedMs),
        steadyTasksPerSecond: Number(steady.toFixed(1)),
        errorPercent: Number(errorPercent.toFixed(2)),
        withinFivePercent: Math.abs(errorPercent) <= 5,
      };
      console.log(
        `accuracy at 500/s: steady ${steady.toFixed(1)} tasks/s (${errorPercent >= 0 ? '+' : ''}${errorPercent.toFixed(2)}%), ${RATE_TASKS} tasks in ${elapsedMs.toFixed(0)} ms`,
      );
    } finally {
      await limited.stop();
    }
  } finally {
    target.stop();
  }
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'emulator.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
  if (!(results.accuracyAt500 as { withinFivePercent: boolean }).withinFivePercent) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
