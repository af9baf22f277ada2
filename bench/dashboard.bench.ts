/**
 * What showing workflow tasks readably costs the dashboard, against deferred tasks side by side
 * in the same emulator and the same run: two paused queues of BENCH_QUEUED tasks each (default
 * 100,000), one of deferred envelopes (a typical call's arguments), one of workflow step
 * messages (the World's own encoder, the SDK's step payload); then, alternating, the queue page
 * of each (100 rows decoded) and a task's page of each, median ms of rounds. The same again with
 * 100 tasks of 500 KB bodies per queue (a workflow's first message carries its input), the worst
 * the rows can hold. Run: npm run bench -- dashboard (not "workflow": that is the World's bench).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from 'next-cloud-tasks/emulator';
import { encodeEnvelope } from '../lib/src/contract/envelope';
import { encodeTaskMessage } from '../lib/src/contract/workflow-message';
import { emulatorApi, type EmulatorApi } from '../test/emulator/support/emulator-api';
import { machine, median, round } from './support/stats';

const QUEUED = Number(process.env.BENCH_QUEUED ?? 100_000);
const ROUNDS = 15;
const PARENT = 'projects/bench/locations/us-central1';
const APP = 'http://127.0.0.1:9';

const deferredBody = (i: number, pad = '') =>
  encodeEnvelope('demo.sendWelcome', [{ id: `acct_${i}`, email: `user${i}@example.com`, plan: 'pro', note: pad }, new Date(), i]);
const workflowBody = (i: number, pad = '') =>
  encodeTaskMessage({
    queueName: '__wkf_step_step//./app/_workflows/onboarding//sendWelcome',
    messageId: `msg_step_01KB${String(i).padStart(22, '0')}`,
    attempt: 1,
    payload: {
      workflowName: 'workflow//./app/_workflows/onboarding//onboarding',
      workflowRunId: `wrun_01KB${String(i).padStart(22, '0')}`,
      workflowStartedAt: Date.now(),
      stepId: `step_01KB${String(i).padStart(22, '0')}`,
      traceCarrier: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      requestedAt: new Date(),
      ...(pad && { runInput: { input: new Uint8Array(Buffer.from(pad)) } }),
    },
  });

/** A paused queue of `count` tasks to `path`, bodies from `body`, in BatchCreateTasks calls of `perCall` (at most 100), 8 in flight. */
async function fill(
  api: EmulatorApi,
  id: string,
  count: number,
  path: string,
  body: (i: number) => Uint8Array,
  perCall = 100,
): Promise<string> {
  const queue = `${PARENT}/queues/${id}`;
  await api('POST', `${PARENT}/queues`, { name: queue });
  await api('POST', `${queue}:pause`, {});
  const calls = Array.from({ length: Math.ceil(count / perCall) }, (_, c) => c);
  for (let start = 0; start < calls.length; start += 8) {
    await Promise.all(
      calls.slice(start, start + 8).map(async (c) => {
        const requests = Array.from({ length: Math.min(perCall, count - c * perCall) }, (_, k) => ({
          task: { httpRequest: { url: `${APP}${path}`, body: Buffer.from(body(c * perCall + k)).toString('base64') } },
        }));
        await api('POST', `${queue}/tasks:batchCreate`, { requests });
      }),
    );
  }
  return queue;
}

/** Median and max ms of each page, fetched in turn round by round so that load falls on both alike. */
async function pages(urls: Record<string, string>): Promise<Record<string, { medianMs: number; maxMs: number }>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(urls).map((key) => [key, []]));
  for (let i = 0; i <= ROUNDS; i++) {
    for (const [key, url] of Object.entries(urls)) {
      const start = performance.now();
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      await response.text();
      if (i > 0) times[key].push(performance.now() - start); // the first round warms up
    }
  }
  return Object.fromEntries(
    Object.entries(times).map(([key, list]) => [key, { medianMs: round(median(list), 1), maxMs: round(Math.max(...list), 1) }]),
  );
}

async function compare(emulatorUrl: string, deferred: string, workflow: string) {
  const api = emulatorApi(emulatorUrl);
  const first = async (queue: string) => (await api('GET', `${queue}/tasks?pageSize=1`)).tasks[0].name as string;
  const result = await pages({
    deferredQueuePage: `${emulatorUrl}/?queue=${deferred.split('/').pop()}`,
    workflowQueuePage: `${emulatorUrl}/?queue=${workflow.split('/').pop()}`,
    deferredTaskPage: `${emulatorUrl}/task?name=${encodeURIComponent(await first(deferred))}`,
    workflowTaskPage: `${emulatorUrl}/task?name=${encodeURIComponent(await first(workflow))}`,
  });
  return {
    ...result,
    queuePageRatio: round(result.workflowQueuePage.medianMs / result.deferredQueuePage.medianMs),
    taskPageRatio: round(result.workflowTaskPage.medianMs / result.deferredTaskPage.medianMs),
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'nct-bench-dashboard-'));
  // The file store, as `next-cloud-tasks emulator` keeps it; the queues stay paused, nothing is sent.
  const emulator = await startEmulator({ port: 0, data: join(dir, 'state.sqlite'), log: () => {} });
  const results: Record<string, unknown> = { ...machine(), queued: QUEUED };
  try {
    const api = emulatorApi(emulator.url);
    const started = performance.now();
    const deferred = await fill(api, 'deferred', QUEUED, '/_ah/queue/deferred/demo.sendWelcome', (i) => deferredBody(i));
    const workflow = await fill(api, 'workflow', QUEUED, '/.well-known/workflow/v1/step', (i) => workflowBody(i));
    results.fillSeconds = round((performance.now() - started) / 1000, 1);
    results.typicalBodies = {
      deferredBytes: deferredBody(0).byteLength,
      workflowBytes: workflowBody(0).byteLength,
      ...(await compare(emulator.url, deferred, workflow)),
    };

    const pad = 'x'.repeat(500_000);
    const bigDeferred = await fill(api, 'big-deferred', 100, '/_ah/queue/deferred/demo.sendWelcome', (i) => deferredBody(i, pad), 1);
    const bigWorkflow = await fill(api, 'big-workflow', 100, '/.well-known/workflow/v1/step', (i) => workflowBody(i, pad), 1);
    results.bigBodies = {
      deferredBytes: deferredBody(0, pad).byteLength,
      workflowBytes: workflowBody(0, pad).byteLength,
      ...(await compare(emulator.url, bigDeferred, bigWorkflow)),
    };
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const out = join(__dirname, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'dashboard.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
