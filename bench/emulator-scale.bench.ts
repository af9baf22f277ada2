/**
 * The emulator with 1,000,000 tasks queued, in its file store, run as `next-cloud-tasks emulator`
 * in a process of its own (its CPU and RSS read from /proc):
 * 1. BatchCreateTasks filling the queue (100 tasks a call, 8 calls in flight): tasks/s per 100,000;
 * 2. with them all queued: the dashboard's `GET /` and REST ListTasks (pageSize 1 and 100, first
 *    and next page), median ms of rounds; goal < 100 ms;
 * 3. batch create with them all queued: tasks/s; goal >= 10,000;
 * 4. a restart after SIGKILL on that file: ms until it listens and answers.
 * Run: npm run bench -- emulator (or npx tsx bench/emulator-scale.bench.ts). BENCH_QUEUED overrides.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addTasks, emulatorApi } from '../test/emulator/support/emulator-api';
import { spawnEmulator, type SpawnedEmulator } from '../test/emulator/support/spawn-emulator';
import { processCpuMs } from './support/process-cpu';
import { machine, median, round } from './support/stats';

const QUEUED = Number(process.env.BENCH_QUEUED ?? 1_000_000);
const FILL_STEP = Math.min(100_000, QUEUED);
const MORE = 20_000;
const ROUNDS = 15;
const PARALLEL = 8;
const PARENT = 'projects/bench/locations/us-central1';
const QUEUE = `${PARENT}/queues/bulk`;
/** Tasks nobody receives: the queue stays paused. */
const URL_OF_TASKS = 'http://127.0.0.1:9/never';

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** Median ms of `ROUNDS` calls of `call` (after one to warm up). */
async function latency(call: () => Promise<unknown>): Promise<{ medianMs: number; maxMs: number }> {
  await call();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  return { medianMs: round(median(times), 1), maxMs: round(Math.max(...times), 1) };
}

async function get(url: string): Promise<string> {
  const response = await fetch(url);
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${text.slice(0, 300)}`);
  return text;
}

/** Adds `count` tasks; tasks/s and the emulator's CPU per task. */
async function timedAdd(emulator: SpawnedEmulator, count: number) {
  const cpu = processCpuMs(emulator.child.pid!)!;
  const start = performance.now();
  await addTasks(emulatorApi(emulator.url), QUEUE, count, URL_OF_TASKS, PARALLEL);
  const seconds = (performance.now() - start) / 1000;
  return {
    tasksPerSecond: Math.round(count / seconds),
    cpuMicrosPerTask: round(((processCpuMs(emulator.child.pid!)! - cpu) * 1000) / count, 1),
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-scale-'));
  const data = join(dir, 'state.sqlite');
  // Besides the bulk queue, the demo's queue.yaml (the working directory's) is loaded, as `dev` would.
  const args = ['--port', '0', '--data', data, '--quiet'];
  const results: Record<string, unknown> = { ...machine(), queued: QUEUED };
  let emulator = await spawnEmulator(args);
  try {
    const api = emulatorApi(emulator.url);
    await api('POST', `${PARENT}/queues`, { name: QUEUE });
    await api('POST', `${QUEUE}:pause`, {});

    const fill: { queuedAfter: number; tasksPerSecond: number; cpuMicrosPerTask: number }[] = [];
    for (let queued = 0; queued < QUEUED; queued += FILL_STEP) {
      const step = await timedAdd(emulator, Math.min(FILL_STEP, QUEUED - queued));
      fill.push({ queuedAfter: queued + FILL_STEP, ...step });
      console.log(`fill: ${queued + FILL_STEP} queued, ${step.tasksPerSecond} tasks/s, ${step.cpuMicrosPerTask} µs emulator CPU/task`);
    }
    results.fill = { steps: fill, medianTasksPerSecond: median(fill.map((step) => step.tasksPerSecond)) };

    const firstPage = JSON.parse(await get(`${emulator.url}/v2/${QUEUE}/tasks?pageSize=100`)) as { nextPageToken: string };
    const measures = {
      dashboardPage: await latency(() => get(`${emulator.url}/`)),
      dashboardPageOfQueue: await latency(() => get(`${emulator.url}/?queue=bulk`)),
      listTasksPageSize1: await latency(() => get(`${emulator.url}/v2/${QUEUE}/tasks?pageSize=1`)),
      listTasksPageSize100: await latency(() => get(`${emulator.url}/v2/${QUEUE}/tasks?pageSize=100`)),
      listTasksNextPage: await latency(() => get(`${emulator.url}/v2/${QUEUE}/tasks?pageSize=100&pageToken=${firstPage.nextPageToken}`)),
    };
    for (const [name, value] of Object.entries(measures))
      console.log(`${name} with ${QUEUED} queued: median ${value.medianMs} ms, max ${value.maxMs} ms`);
    results.latency = { ...measures, goalUnder100Ms: Object.values(measures).every((value) => value.medianMs < 100) };

    const chunks = [];
    for (let i = 0; i < 4; i++) chunks.push(await timedAdd(emulator, MORE / 4));
    const batchCreate = {
      tasks: MORE,
      chunks,
      medianTasksPerSecond: median(chunks.map((chunk) => chunk.tasksPerSecond)),
      goalTenThousandPerSecond: median(chunks.map((chunk) => chunk.tasksPerSecond)) >= 10_000,
    };
    console.log(`batch create with ${QUEUED} queued: median ${batchCreate.medianTasksPerSecond} tasks/s`);
    results.batchCreateWithQueued = batchCreate;
    results.rssMb = Math.round(rssMb(emulator.child.pid!));

    emulator.child.kill('SIGKILL');
    await new Promise((resolve) => emulator.child.once('exit', resolve));
    const start = performance.now();
    emulator = await spawnEmulator(args, 120_000);
    const listeningMs = performance.now() - start;
    await get(`${emulator.url}/v2/${QUEUE}/tasks?pageSize=1`);
    const answeringMs = performance.now() - start;
    results.restartAfterSigkill = { listeningMs: Math.round(listeningMs), firstListTasksMs: Math.round(answeringMs) };
    console.log(
      `restart after SIGKILL with ${QUEUED + MORE} tasks: listening after ${listeningMs.toFixed(0)} ms, answering after ${answeringMs.toFixed(0)} ms`,
    );
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const out = join(__dirname, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'emulator-scale.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
