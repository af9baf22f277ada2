/**
 * The load run: N tasks through the local emulator into a real `next start`, at the queue's full
 * rate (queue.yaml's `bench`: 500/s, 100 concurrent). A fifth are the demo's flakyGreet, which
 * fails its first attempt; the rest are greet. Tasks are enqueued with defer() (the real client,
 * REST to the emulator) while the queue is paused, then the queue is resumed and timed.
 *
 * Optionally the app is killed (SIGKILL: no graceful anything) when a fraction of the tasks is
 * done, and restarted on the same port: the emulator must retry what was in flight.
 *
 * Evidence, per task, from the app's own log lines (one JSON line per outcome, from every app
 * process of the run) and the emulator's attempt counts: every task succeeded in the app at least
 * once (its side effect happened), no task ran more often than it was attempted, flaky tasks
 * failed first and were retried, and nothing was dead-lettered or lost.
 */
import { defer } from 'next-cloud-tasks';
import { applyTestOptions } from 'next-cloud-tasks/testing';
import type { EmulatorHandle, TaskRecord } from 'next-cloud-tasks/emulator';
import { LOCATION, PROJECT, startEmulatedApp } from '../helpers/emulated-app';
import { flakyGreet, greet } from '@/app/_tasks/demo';
import { startNextServer } from '../helpers/next-server';

const QUEUE = 'bench';

export interface LoadOptions {
  tasks: number;
  /** Kill the app (SIGKILL) once this fraction of tasks succeeded, then restart it. */
  killAt?: number;
  /** createTask calls in flight while enqueueing. @default 16 */
  enqueueConcurrency?: number;
  log?: (line: string) => void;
}

export interface LoadResult {
  tasks: number;
  flaky: number;
  enqueueMs: number;
  /** From resume to the last success. */
  runMs: number;
  /** Tasks completed per second, from resume to the last success. */
  throughputPerSecond: number;
  /** Attempts (first tries and retries) per second: what the queue's rate limit caps (bench: 500/s). */
  attemptsPerSecond: number;
  /** Durations of successful attempts as the emulator measured them (dispatch to answer), ms. */
  p50Ms: number;
  p99Ms: number;
  attempts: number;
  failedAttempts: number;
  dead: number;
  killedAfter?: number;
  /** Problems found; [] when every check held. */
  problems: string[];
}

interface AppLogLine {
  message?: string;
  task?: { name?: string; outcome?: string; attempt?: number };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
}

async function queueVerb(emulator: EmulatorHandle, verb: 'pause' | 'resume'): Promise<void> {
  const response = await fetch(`${emulator.url}/v2/projects/${PROJECT}/locations/${LOCATION}/queues/${QUEUE}:${verb}`, {
    method: 'POST',
    body: '{}',
    headers: { 'content-type': 'application/json' },
  });
  if (!response.ok) throw new Error(`${verb} ${QUEUE}: ${response.status} ${await response.text()}`);
}

/** Task outcomes the app logged, per task short name: how many runs ended in success / failure. */
function appOutcomes(outputs: string[]): Map<string, { success: number; failed: number }> {
  const byTask = new Map<string, { success: number; failed: number }>();
  for (const output of outputs) {
    for (const line of output.split('\n')) {
      if (!line.startsWith('{"severity"')) continue;
      let entry: AppLogLine;
      try {
        entry = JSON.parse(line) as AppLogLine;
      } catch {
        continue; // a line cut by SIGKILL
      }
      const name = entry.task?.name;
      if (!name || !entry.task?.outcome) continue;
      const counts = byTask.get(name) ?? { success: 0, failed: 0 };
      if (entry.task.outcome === 'success') counts.success++;
      else counts.failed++;
      byTask.set(name, counts);
    }
  }
  return byTask;
}

async function enqueueAll(count: number, concurrency: number): Promise<{ names: Map<string, boolean>; ms: number }> {
  const names = new Map<string, boolean>(); // short name -> flaky
  const started = performance.now();
  let next = 0;
  async function worker() {
    while (next < count) {
      const i = next++;
      const flaky = i % 5 === 0;
      const name = flaky
        ? await defer(flakyGreet, [`load-${i}`, 1], { queue: QUEUE })
        : await defer(greet, [`load-${i}`, new Date()], { queue: QUEUE });
      names.set(name.split('/').pop()!, flaky);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { names, ms: performance.now() - started };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const say = options.log ?? (() => {});
  const loop = await startEmulatedApp();
  const { emulator, env } = loop;
  // The running app: the first one, or after the SIGKILL its restart (same port, same environment).
  let app = loop.app;
  // defer() in this process enqueues through its own transport, the real client, to this run's emulator.
  const restoreOptions = applyTestOptions({
    project: PROJECT,
    location: LOCATION,
    serviceUrl: env.DEFERRED_SERVICE_URL,
    serviceAccount: env.DEFERRED_SERVICE_ACCOUNT,
    emulatorHost: emulator.hostPort,
  });
  const outputs: string[] = [];
  try {
    const succeeded = new Map<string, TaskRecord>();
    const durations: number[] = [];
    let failedAttempts = 0;
    let dead = 0;
    emulator.events.on('task:success', ({ task, durationMs }) => {
      succeeded.set(task.name.split('/').pop()!, task);
      durations.push(durationMs);
    });
    emulator.events.on('task:error', () => failedAttempts++);
    emulator.events.on('task:dead', () => dead++);

    await queueVerb(emulator, 'pause');
    const { names, ms: enqueueMs } = await enqueueAll(options.tasks, options.enqueueConcurrency ?? 16);
    say(`enqueued ${names.size} tasks in ${Math.round(enqueueMs)} ms`);
    const resumedAt = performance.now();
    await queueVerb(emulator, 'resume');

    let killedAfter: number | undefined;
    let lastProgress = 0;
    let lastChange = performance.now();
    while (succeeded.size < names.size) {
      await new Promise((r) => setTimeout(r, 50));
      if (succeeded.size !== lastProgress) {
        lastProgress = succeeded.size;
        lastChange = performance.now();
      }
      if (performance.now() - lastChange > 60_000) throw new Error(`no progress for 60 s at ${succeeded.size}/${names.size}`);
      if (options.killAt !== undefined && killedAfter === undefined && succeeded.size >= options.killAt * names.size) {
        killedAfter = succeeded.size;
        say(`SIGKILL the app after ${killedAfter} successes`);
        const exited = new Promise((r) => app.process.once('exit', r));
        app.process.kill('SIGKILL');
        await exited;
        outputs.push(app.output());
        await new Promise((r) => setTimeout(r, 1000));
        app = await startNextServer(env, app.port);
        say('app restarted');
      }
    }
    const runMs = performance.now() - resumedAt;
    outputs.push(app.output());

    const problems: string[] = [];
    const ran = appOutcomes(outputs);
    let flaky = 0;
    for (const [name, isFlaky] of names) {
      const task = succeeded.get(name);
      const counts = ran.get(name) ?? { success: 0, failed: 0 };
      if (isFlaky) flaky++;
      if (!task) problems.push(`${name}: never succeeded in the emulator`);
      else if (counts.success < 1) problems.push(`${name}: no successful run in the app's logs (side effect missing)`);
      else if (counts.success + counts.failed > task.dispatchCount)
        problems.push(`${name}: ran ${counts.success + counts.failed} times in ${task.dispatchCount} attempts`);
      if (isFlaky && task && task.dispatchCount < 2)
        problems.push(`${name}: flaky task succeeded on attempt ${task.dispatchCount}, its first attempt should have failed`);
    }
    if (dead) problems.push(`${dead} task(s) dead-lettered`);
    const sorted = [...durations].sort((a, b) => a - b);
    return {
      tasks: names.size,
      flaky,
      enqueueMs: Math.round(enqueueMs),
      runMs: Math.round(runMs),
      throughputPerSecond: Math.round((names.size / runMs) * 1000),
      attemptsPerSecond: Math.round(((durations.length + failedAttempts) / runMs) * 1000),
      p50Ms: Math.round(percentile(sorted, 50) * 10) / 10,
      p99Ms: Math.round(percentile(sorted, 99) * 10) / 10,
      attempts: durations.length + failedAttempts,
      failedAttempts,
      dead,
      killedAfter,
      problems,
    };
  } finally {
    await app.stop(); // the restarted app; stopping the first one again is a no-op
    await loop.stop();
    restoreOptions();
  }
}
