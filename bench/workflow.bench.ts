/**
 * The workflow World on Cloud Tasks against the SDK's own Worlds, with the same workflow (20
 * steps one after another, bench/workflows/chain.ts) and the same server (the SDK suite's app,
 * test/workflow/world-testing/server.mjs), in one run, rounds interleaved:
 *
 * - cloud-tasks+postgres: next-cloud-tasks/workflow over the local emulator, Postgres storage;
 *   against world-postgres (graphile-worker's queue in the app process), on the same Postgres;
 * - cloud-tasks+files: next-cloud-tasks/workflow over the emulator, embedded storage (world-local's
 *   files); against world-local (its in-process HTTP queue), the same storage.
 *
 * Per World: the latency of one run at a time (the run's own timestamps, per step), and the
 * throughput of CONCURRENT runs at once (steps per second, wall clock). The emulator enforces no
 * queue rate here (rateLimits: 'ignore'): queue.yaml's 100/s would be the ceiling otherwise, as it
 * is on Cloud Tasks. Run: npm run bench -- workflow. BENCH_ROUNDS, BENCH_RUNS, BENCH_CONCURRENT override.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { bootstrapWorkflowSchema, startThrowawayPostgres, PSQL } from '../test/helpers/postgres';
import { prepareWorkflowServer, startWorkflowServer, type WorkflowServer } from '../test/helpers/workflow-server';
import { spawnSync } from 'node:child_process';
import { machine, median, round } from './support/stats';

const STEPS = 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 10);
const ROOT = join(__dirname, '..');
const PROJECT = 'bench';
const LOCATION = 'us-central1';

interface Contender {
  name: string;
  env: () => Record<string, string>;
}

interface RunRecord {
  status: string;
  createdAt: string;
  completedAt?: string;
}

async function runChain(server: WorkflowServer): Promise<string> {
  const response = await fetch(`${server.url}/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ file: 'workflows/chain.ts', workflow: 'chain', args: [STEPS] }),
  });
  if (!response.ok) throw new Error(`invoke failed: ${response.status} ${await response.text()}\n${server.output().slice(-2000)}`);
  return ((await response.json()) as { runId: string }).runId;
}

async function waitCompleted(server: WorkflowServer, runId: string): Promise<RunRecord> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const run = (await (await fetch(`${server.url}/runs/${runId}`)).json()) as RunRecord;
    if (run.status === 'completed') return run;
    if (run.status === 'failed' || Date.now() > deadline)
      throw new Error(`run ${runId}: ${JSON.stringify(run)}\n${server.output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const durationMs = (run: RunRecord) => Date.parse(run.completedAt!) - Date.parse(run.createdAt);

/** One round of one contender: its own server process, RUNS runs in a row, then CONCURRENT runs at once. */
async function measure(dir: string, contender: Contender): Promise<{ perStepMs: number; stepsPerSecond: number }> {
  const server = await startWorkflowServer(dir, contender.env());
  try {
    await waitCompleted(server, await runChain(server)); // warm-up: first loads, connections
    const durations: number[] = [];
    for (let i = 0; i < RUNS; i++) durations.push(durationMs(await waitCompleted(server, await runChain(server))));
    const begin = performance.now();
    const runIds = await Promise.all(Array.from({ length: CONCURRENT }, () => runChain(server)));
    await Promise.all(runIds.map((runId) => waitCompleted(server, runId)));
    const wallMs = performance.now() - begin;
    return { perStepMs: median(durations) / STEPS, stepsPerSecond: (CONCURRENT * STEPS) / (wallMs / 1000) };
  } finally {
    await server.stop();
  }
}

function createDatabase(url: string, name: string): string {
  const result = spawnSync(PSQL, [url, '-c', `create database ${name}`], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  const dbUrl = url.replace(/\/postgres$/, `/${name}`);
  bootstrapWorkflowSchema(dbUrl);
  return dbUrl;
}

async function main(): Promise<void> {
  const dir = prepareWorkflowServer(join(__dirname, 'workflows'));
  const postgres = await startThrowawayPostgres();
  let emulator: EmulatorHandle | undefined;
  try {
    emulator = await startEmulator({
      port: 0,
      grpcPort: false,
      data: ':memory:',
      queueYaml: join(ROOT, 'queue.yaml'),
      project: PROJECT,
      location: LOCATION,
      rateLimits: 'ignore',
    });
    const cloudTasks = {
      WORKFLOW_TARGET_WORLD: 'next-cloud-tasks/workflow',
      CLOUD_TASKS_EMULATOR_HOST: emulator.hostPort,
      GOOGLE_CLOUD_PROJECT: PROJECT,
      CLOUD_TASKS_LOCATION: LOCATION,
      DEFERRED_SERVICE_ACCOUNT: `bench@${PROJECT}.iam.gserviceaccount.com`,
      DEFERRED_QUEUE_YAML: join(ROOT, 'queue.yaml'),
    };
    const ours = createDatabase(postgres.url, 'bench_cloud_tasks');
    const theirs = createDatabase(postgres.url, 'bench_world_postgres');
    let dataDirs = 0;
    const freshDataDir = () => join(dir, `data-${dataDirs++}`);
    const contenders: Contender[] = [
      { name: 'cloud-tasks+postgres', env: () => ({ ...cloudTasks, WORKFLOW_POSTGRES_URL: ours }) },
      { name: 'world-postgres', env: () => ({ WORKFLOW_TARGET_WORLD: '@workflow/world-postgres', WORKFLOW_POSTGRES_URL: theirs }) },
      { name: 'cloud-tasks+files', env: () => ({ ...cloudTasks, WORKFLOW_LOCAL_DATA_DIR: freshDataDir() }) },
      { name: 'world-local', env: () => ({ WORKFLOW_TARGET_WORLD: 'local', WORKFLOW_LOCAL_DATA_DIR: freshDataDir() }) },
    ];
    const samples: Record<string, { perStepMs: number[]; stepsPerSecond: number[] }> = {};
    for (let round = 1; round <= ROUNDS; round++) {
      for (const contender of contenders) {
        const result = await measure(dir, contender);
        const entry = (samples[contender.name] ??= { perStepMs: [], stepsPerSecond: [] });
        entry.perStepMs.push(result.perStepMs);
        entry.stepsPerSecond.push(result.stepsPerSecond);
        console.log(`round ${round} ${contender.name}: ${round2(result.perStepMs)} ms/step, ${round2(result.stepsPerSecond)} steps/s`);
      }
    }
    const summary = Object.fromEntries(
      Object.entries(samples).map(([name, s]) => [
        name,
        { perStepMs: round(median(s.perStepMs)), stepsPerSecond: round(median(s.stepsPerSecond)) },
      ]),
    );
    const ratio = (a: string, b: string) => ({
      perStep: round(summary[a].perStepMs / summary[b].perStepMs),
      throughput: round(summary[a].stepsPerSecond / summary[b].stepsPerSecond),
    });
    const results = {
      ...machine(),
      steps: STEPS,
      rounds: ROUNDS,
      runsInARow: RUNS,
      concurrentRuns: CONCURRENT,
      summary,
      ratios: {
        'cloud-tasks+postgres / world-postgres': ratio('cloud-tasks+postgres', 'world-postgres'),
        'cloud-tasks+files / world-local': ratio('cloud-tasks+files', 'world-local'),
      },
    };
    console.log(JSON.stringify(results, null, 2));
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(join(__dirname, 'results/workflow.json'), JSON.stringify(results, null, 2));
  } finally {
    await emulator?.stop();
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const round2 = (value: number) => round(value, 2);

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
