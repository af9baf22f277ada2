/**
 * The first defer() after a server starts, against the warm ones: a fresh `next start` of the
 * demo, pointed at a Cloud Tasks stand-in that answers at once (as in enqueue.bench.ts, so the
 * service's own time is left out), then POST /api/greetings (a route handler that defers) once as
 * soon as the server answers, and WARM_CALLS more. Measured twice: defer() itself (the route's
 * Server-Timing header) and the whole request. Ratio: first / median(warm). Goal for defer(): <= 1.5.
 * The same with DEFERRED_PREWARM=off (the client loaded by the first defer(), as before prewarm)
 * is the baseline. The route is loaded first by a GET, so the first POST measures defer(), not
 * Next loading the route's chunk.
 *
 * Run: npm run bench -- cold-start. BENCH_ROUNDS (fresh servers per setting) overrides.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildNextApp, freePort, startNextServer } from '../test/helpers/next-server';
import { startInstantCloudTasks } from './support/instant-cloud-tasks';
import { machine, median, round } from './support/stats';

// One first call per server: many servers, since a single call's time varies by a millisecond or more.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const WARM_CALLS = 15;

interface Timing {
  deferMs: number;
  requestMs: number;
}

async function timedDefer(url: string, name: string): Promise<Timing> {
  const start = performance.now();
  const response = await fetch(`${url}/api/greetings`, { method: 'POST', body: JSON.stringify({ name }) });
  if (response.status !== 202) throw new Error(`POST /api/greetings answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
  const requestMs = performance.now() - start;
  const deferMs = Number(/defer;dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '')?.[1]);
  return { deferMs, requestMs };
}

type Run = { first: Timing; warm: Timing };

async function oneServer(prewarm: 'on' | 'off'): Promise<Run> {
  const tasks = await startInstantCloudTasks();
  const port = await freePort();
  const app = await startNextServer(
    {
      GOOGLE_CLOUD_PROJECT: 'bench',
      CLOUD_TASKS_LOCATION: 'us-central1',
      DEFERRED_SERVICE_URL: `http://127.0.0.1:${port}`,
      DEFERRED_SERVICE_ACCOUNT: 'tasks@bench.iam.gserviceaccount.com',
      CLOUD_TASKS_EMULATOR_HOST: tasks.host,
      DEFERRED_PREWARM: prewarm,
    },
    port,
  );
  try {
    await fetch(`${app.url}/api/greetings`);
    const first = await timedDefer(app.url, 'first');
    const warm: Timing[] = [];
    for (let i = 0; i < WARM_CALLS; i++) warm.push(await timedDefer(app.url, `warm${i}`));
    return { first, warm: { deferMs: median(warm.map((t) => t.deferMs)), requestMs: median(warm.map((t) => t.requestMs)) } };
  } finally {
    await app.stop();
    await tasks.close();
  }
}

async function main() {
  await buildNextApp();
  const runs: Record<'on' | 'off', Run[]> = { on: [], off: [] };
  for (let r = 0; r < ROUNDS; r++) {
    // Alternated, so drift of the machine during the run falls on both settings alike.
    for (const prewarm of r % 2 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      const run = await oneServer(prewarm);
      runs[prewarm].push(run);
      const show = (t: Timing) => `defer ${round(t.deferMs, 1)} ms (request ${round(t.requestMs, 1)} ms)`;
      console.error(`round ${r + 1} prewarm=${prewarm}: first ${show(run.first)}, warm ${show(run.warm)}`);
    }
  }
  const summarize = (list: Run[]) => ({
    firstDeferMs: round(median(list.map((r) => r.first.deferMs)), 1),
    warmDeferMs: round(median(list.map((r) => r.warm.deferMs)), 1),
    deferFirstOverWarm: round(median(list.map((r) => r.first.deferMs / r.warm.deferMs)), 2),
    deferFirstMinusWarmMs: round(median(list.map((r) => r.first.deferMs - r.warm.deferMs)), 1),
    requestFirstOverWarm: round(median(list.map((r) => r.first.requestMs / r.warm.requestMs)), 2),
  });
  const summary = { prewarmOn: summarize(runs.on), prewarmOff: summarize(runs.off) };
  const report = { benchmark: 'cold-start', ...machine(), rounds: ROUNDS, warmCalls: WARM_CALLS, summary, runs };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/cold-start.json', JSON.stringify(report, null, 2));
  console.log(JSON.stringify(summary, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
