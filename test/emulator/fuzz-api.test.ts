/**
 * The emulator's REST API under generated and mutated requests (support/api-fuzz.ts): at least
 * 10,000 CreateTask and UpdateQueue calls with odd headers, bodies, URLs, durations and names,
 * while the dispatcher sends the tasks that were accepted to a loopback target. Every answer is
 * a Google-shaped success or error (never a 500, never a dropped connection); no task the API
 * accepted has a header Node could not send or a target the policy refuses; nothing escapes as an
 * unhandled rejection; and after the run the emulator still serves, and starts again on its
 * state file with everything listable and the dashboard rendering.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudTasksClient } from '@google-cloud/tasks';
import { headersProblem } from '@/lib/src/contract/http-headers';
import { TargetPolicy } from '@/lib/src/emulator/target-policy';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { checkAnswer, fuzzRequest, seededRandom, type FuzzRequest } from './support/api-fuzz';
import { emulatorClient } from './support/client';
import { startTargetServer, type TargetServer } from './support/target-server';

jest.setTimeout(180_000);

const COUNT = Number(process.env.API_FUZZ_COUNT ?? 12_000);
const SEED = Number(process.env.API_FUZZ_SEED ?? 20261204);
const CONCURRENCY = 16;
const PARENT = 'projects/fuzz/locations/here';
const QUEUES = ['fz-run', 'fz-paused', 'fz-slow'];

let dir: string;
let emulator: EmulatorHandle;
let target: TargetServer;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  dir = mkdtempSync(join(tmpdir(), 'emulator-fuzz-'));
  target = await startTargetServer((request) => (request.path.includes('/fail') ? { status: 500 } : {}));
  emulator = await startEmulator({ port: 0, data: join(dir, 'state.sqlite'), project: 'fuzz', location: 'here' });
  const setup = (method: string, path: string, body: unknown) =>
    fetch(`${emulator.url}/v2/${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  for (const id of QUEUES) {
    const response = await setup('POST', `${PARENT}/queues`, {
      name: `${PARENT}/queues/${id}`,
      retryConfig: { maxAttempts: 2, minBackoff: '0.1s', maxBackoff: '0.2s' },
    });
    expect(response.status).toBe(200);
  }
  await setup('POST', `${PARENT}/queues/fz-paused:pause`, {});
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await emulator?.stop();
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Sent {
  request: FuzzRequest;
  status: number;
  problem?: string;
  body: string;
}

function send(agent: http.Agent, request: FuzzRequest): Promise<Sent> {
  return new Promise((resolve) => {
    const req = http.request(`${emulator.url}${request.path}`, { method: request.method, headers: request.headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () =>
        resolve({
          request,
          status: res.statusCode ?? 0,
          body: text,
          problem: checkAnswer(res.statusCode ?? 0, res.headers['content-type'], text),
        }),
      );
      res.on('error', (error) => resolve({ request, status: 0, body: '', problem: `response error ${error.message}` }));
    });
    req.on('error', (error) => resolve({ request, status: 0, body: '', problem: `request error ${error.message}` }));
    req.end(request.body);
  });
}

test(`${COUNT} generated and mutated create/patch requests: only Google-shaped answers, and the emulator lives on`, async () => {
  const rng = seededRandom(SEED);
  const targets = { parent: PARENT, queues: QUEUES, targetUrl: target.url };
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const statuses: Record<string, number> = {};
  const kinds: Record<string, number> = {};
  const violations: string[] = [];
  const accepted: Record<string, any>[] = [];
  let next = 0;
  const started = Date.now();
  const worker = async () => {
    while (next < COUNT) {
      next += 1;
      const result = await send(agent, fuzzRequest(rng, targets, emulator.hostPort));
      const key = `${result.request.kind} ${result.status}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
      kinds[result.request.kind] = (kinds[result.request.kind] ?? 0) + 1;
      if (result.status === 500) result.problem ??= `INTERNAL: ${result.body.slice(0, 300)}`;
      if (result.problem)
        violations.push(
          `${result.request.method} ${result.request.path.slice(0, 120)}: ${result.problem} <- ${result.request.body?.toString().slice(0, 300)}`,
        );
      else if (result.status === 200 && result.request.kind === 'create') accepted.push(JSON.parse(result.body));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const durationMs = Date.now() - started;
  agent.destroy();
  const createsAndPatches = (kinds.create ?? 0) + (kinds.patch ?? 0);
  console.log(
    JSON.stringify({
      count: COUNT,
      createsAndPatches,
      seed: SEED,
      durationMs,
      requestsPerSecond: Math.round((COUNT / durationMs) * 1000),
      accepted: accepted.length,
      delivered: target.received.length,
      kinds,
      statuses,
    }),
  );

  expect(violations.slice(0, 10)).toEqual([]);
  expect(createsAndPatches).toBeGreaterThanOrEqual(10_000);
  // The run did reach the deep paths: many tasks accepted, and many refused for each reason.
  expect(accepted.length).toBeGreaterThan(1000);
  expect(statuses['create 400']).toBeGreaterThan(1000);
  expect(statuses['patch 200']).toBeGreaterThan(300);
  expect(statuses['create 403']).toBeGreaterThan(50);

  // What the API accepted can be delivered: valid headers only, targets the policy allows.
  const policy = new TargetPolicy();
  for (const task of accepted) {
    expect(headersProblem(task.httpRequest.headers ?? {})).toBeUndefined();
    expect(policy.refuseUrl(new URL(task.httpRequest.url))).toBeUndefined();
  }
  expect(unhandled).toEqual([]);

  // Still serving, through the real client: a well-formed task runs (in a new queue: the fuzz
  // may have left the others at a rate of one task every 1,000 s).
  const client: CloudTasksClient = await emulatorClient(emulator.hostPort);
  try {
    await client.createQueue({ parent: PARENT, queue: { name: `${PARENT}/queues/after-fuzz` } });
    const [task] = await client.createTask({
      parent: `${PARENT}/queues/after-fuzz`,
      task: { httpRequest: { url: `${target.url}/after-fuzz`, httpMethod: 'POST' } },
    });
    await expect(emulator.waitForTask(task.name!, 20_000)).resolves.toMatchObject({ kind: 'success' });
  } finally {
    await client.close();
  }
});

test('after the run, the emulator starts again on its state file: every queue and task lists, the dashboard renders', async () => {
  const file = emulator.options.data;
  await emulator.stop();
  emulator = await startEmulator({ port: 0, data: file, project: 'fuzz', location: 'here' });
  const client: CloudTasksClient = await emulatorClient(emulator.hostPort);
  try {
    const [queues] = await client.listQueues({ parent: PARENT });
    expect(queues.map((q) => q.name)).toEqual(expect.arrayContaining(QUEUES.map((id) => `${PARENT}/queues/${id}`)));
    let listed = 0;
    for (const queue of queues) {
      const [tasks] = await client.listTasks({ parent: queue.name!, responseView: 'FULL' });
      listed += tasks.length;
    }
    expect(listed).toBeGreaterThan(0);
    const page = await fetch(`${emulator.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-queue="fz-paused"');
    expect(unhandled).toEqual([]);
  } finally {
    await client.close();
  }
});
