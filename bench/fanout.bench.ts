/**
 * Fan-out: 10,000 tasks from one route handler of a real `next start` (the demo's
 * /api/bench/fanout) to a loopback stand-in of Cloud Tasks' REST API that answers every call
 * after 30 ms. Three ways, in one run, each in a fresh server (so each peak RSS is its own):
 * `deferMany` (BatchCreateTasks of 100, `parallelism` 10, its default), `Promise.all` of
 * `defer()`, and a sequential `defer()` loop. The loop takes 30 ms a task (5 minutes for 10,000),
 * so it is measured on BENCH_LOOP_TASKS tasks and scaled to 10,000: said in the summary.
 * Goals: deferMany within 1.25x of the round-trip bound (batches x 30 ms / parallelism),
 * >= 50x faster than the loop, peak RSS no higher than Promise.all's.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { startNextServer, type RunningServer } from '../test/helpers/next-server';
import { startSlowCloudTasks } from './support/slow-cloud-tasks';
import { machine, median, round } from './support/stats';

const TASKS = Number(process.env.BENCH_TASKS ?? 10_000);
const LOOP_TASKS = Number(process.env.BENCH_LOOP_TASKS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DELAY_MS = 30;
/** deferMany's default parallelism (DeferManyOptions.parallelism), and Cloud Tasks' batch size. */
const PARALLELISM = 10;
const BATCH = 100;

type Way = 'deferMany' | 'promiseAll' | 'loop';

/** The highest resident set (VmHWM) of the server's process tree so far, in MB. */
function peakRssMb(pid: number): number {
  const hwm = (id: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${id}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  const children = (id: number): number[] =>
    readdirSync(`/proc/${id}/task`).flatMap((thread) =>
      readFileSync(`/proc/${id}/task/${thread}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...children(tree[i]));
  return Math.max(...tree.map(hwm));
}

async function fanOut(app: RunningServer, way: Way, count: number): Promise<{ ms: number; wallMs: number }> {
  const start = performance.now();
  const response = await fetch(`${app.url}/api/bench/fanout?way=${way}&count=${count}`, { method: 'POST' });
  const text = await response.text();
  const body = (response.status === 200 ? JSON.parse(text) : {}) as { created?: number; ms?: number };
  if (body.created !== count) throw new Error(`${way} of ${count}: ${response.status} ${text}\n${app.output().slice(-3000)}`);
  return { ms: body.ms!, wallMs: performance.now() - start };
}

async function measure(way: Way, count: number, rounds: number) {
  const standIn = await startSlowCloudTasks(DELAY_MS);
  const app = await startNextServer({
    GOOGLE_CLOUD_PROJECT: 'bench',
    CLOUD_TASKS_LOCATION: 'us-central1',
    DEFERRED_SERVICE_URL: 'https://bench.example.com',
    DEFERRED_SERVICE_ACCOUNT: 'tasks@bench.iam.gserviceaccount.com',
    CLOUD_TASKS_EMULATOR_HOST: standIn.host,
  });
  try {
    await fanOut(app, way, Math.min(count, 100)); // warm-up: imports, the client, JIT, connections
    const rssBeforeMb = peakRssMb(app.process.pid!);
    const runs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const { ms } = await fanOut(app, way, count);
      runs.push(ms);
      console.error(`${way}: ${count} tasks in ${round(ms)} ms`);
    }
    return {
      tasks: count,
      ms: round(median(runs)),
      runs: runs.map((ms) => round(ms)),
      rssBeforeMb: round(rssBeforeMb),
      peakRssMb: round(peakRssMb(app.process.pid!)),
      standIn: { ...standIn.stats },
    };
  } finally {
    await app.stop();
    await standIn.close();
  }
}

async function main() {
  process.env.NEXT_TEST_BUILD_ID ??= `bench-${Date.now()}`;
  const deferMany = await measure('deferMany', TASKS, ROUNDS);
  const promiseAll = await measure('promiseAll', TASKS, ROUNDS);
  const loop = await measure('loop', LOOP_TASKS, 1);
  const boundMs = (Math.ceil(TASKS / BATCH) * DELAY_MS) / PARALLELISM;
  const loopScaledMs = (loop.ms * TASKS) / LOOP_TASKS;
  const summary = {
    tasks: TASKS,
    roundTripMs: DELAY_MS,
    boundMs,
    deferManyMs: deferMany.ms,
    promiseAllMs: promiseAll.ms,
    loopMs: `${loop.ms} for ${LOOP_TASKS} tasks, scaled to ${round(loopScaledMs)} for ${TASKS}`,
    deferManyOverBound: round(deferMany.ms / boundMs),
    loopOverDeferMany: round(loopScaledMs / deferMany.ms),
    promiseAllOverDeferMany: round(promiseAll.ms / deferMany.ms),
    peakRssMb: { deferMany: deferMany.peakRssMb, promiseAll: promiseAll.peakRssMb, loop: loop.peakRssMb },
    peakRssDeferManyOverPromiseAll: round(deferMany.peakRssMb / promiseAll.peakRssMb),
    goals: {
      withinBound: deferMany.ms <= 1.25 * boundMs,
      fasterThanLoop50x: loopScaledMs / deferMany.ms >= 50,
      rssNoHigherThanPromiseAll: deferMany.peakRssMb <= promiseAll.peakRssMb,
    },
  };
  const report = { benchmark: 'fanout', ...machine(), rounds: ROUNDS, summary, raw: { deferMany, promiseAll, loop } };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/fanout.json', JSON.stringify(report, null, 2));
  console.log(JSON.stringify(summary, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
