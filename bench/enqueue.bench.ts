/**
 * defer() against a raw `client.createTask` loop, both through the same CloudTasksClient
 * configuration (REST) to the same loopback endpoint, which answers at once: what remains is the
 * adapter's own cost (options, queue check, superjson, size check). Goal: overhead <= 5%.
 * The network makes that ratio noisy (several % between runs), so the adapter's own work is
 * also measured in process, without the network, as microseconds per call: with no arguments,
 * and with the arguments of a typical task (the per-argument work: the check that they can travel).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { startInstantCloudTasks } from './support/instant-cloud-tasks';
import { machine, median, round } from './support/stats';

const CALLS = Number(process.env.BENCH_CALLS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);

interface TypicalUser {
  id: number;
  name: string;
  tags: string[];
  address: { street: string; city: string };
  createdAt: Date;
}

async function main() {
  const server = await startInstantCloudTasks();
  const { host } = server;
  Object.assign(process.env, {
    GOOGLE_CLOUD_PROJECT: 'bench',
    CLOUD_TASKS_LOCATION: 'us-central1',
    DEFERRED_SERVICE_URL: 'https://bench.example.com',
    DEFERRED_SERVICE_ACCOUNT: 'tasks@bench.iam.gserviceaccount.com',
    CLOUD_TASKS_EMULATOR_HOST: host,
  });

  const { defer, deferrable } = await import('next-cloud-tasks');
  const { applyTestOptions } = await import('next-cloud-tasks/testing');
  const { encodeEnvelope } = await import('@/lib/src/contract/envelope');
  const { noop } = await import('@/app/_tasks/demo');
  const { createCloudTasksClient } = await import('@/lib/src/contract/cloud-tasks-client');
  const { PassThroughClient } = await import('google-auth-library');
  // The adapter's own client (node:http, httpFetch), so the ratio is the adapter's own cost...
  const client = await createCloudTasksClient(host);
  // ...and, for information, a client as a hand-rolled wrapper would make it (gaxios' default fetch).
  const defaultClient = await createCloudTasksClient(host, { authClient: new PassThroughClient() });
  const parent = client.queuePath('bench', 'us-central1', 'bench');

  const rawWith = (c: typeof client) => async () => {
    for (let i = 0; i < CALLS; i++) {
      await c.createTask({
        parent,
        task: {
          httpRequest: {
            url: 'https://bench.example.com/_ah/queue/deferred/demo.noop',
            httpMethod: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: Buffer.from(encodeEnvelope('demo.noop', [])),
            oidcToken: { serviceAccountEmail: 'tasks@bench.iam.gserviceaccount.com', audience: 'https://bench.example.com' },
          },
        },
      });
    }
  };
  const raw = rawWith(client);
  const rawDefault = rawWith(defaultClient);
  const viaDefer = async () => {
    for (let i = 0; i < CALLS; i++) await defer(noop, [], { queue: 'bench' });
  };
  const time = async (fn: () => Promise<void>) => {
    const start = performance.now();
    await fn();
    return (performance.now() - start) / CALLS;
  };

  await raw();
  await rawDefault();
  await viaDefer(); // warm-up: imports, JIT, connections
  const results = { raw: [] as number[], defer: [] as number[], rawDefaultFetch: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2) {
      results.defer.push(await time(viaDefer));
      results.raw.push(await time(raw));
    } else {
      results.raw.push(await time(raw));
      results.defer.push(await time(viaDefer));
    }
    results.rawDefaultFetch.push(await time(rawDefault));
    console.error(`round ${r + 1}: raw ${round(results.raw[r] * 1000)} µs/call, defer ${round(results.defer[r] * 1000)} µs/call`);
  }
  // The same comparison without the network: defer() into a transport that does nothing, against
  // encoding the same envelope alone. What remains is the adapter's own work per call, in µs.
  const inProcessCalls = 20_000;
  const ownWork = async () => {
    const start = performance.now();
    for (let i = 0; i < inProcessCalls; i++) await defer(noop, [], { queue: 'bench' });
    const viaDeferUs = ((performance.now() - start) * 1000) / inProcessCalls;
    const encodeStart = performance.now();
    for (let i = 0; i < inProcessCalls; i++) Buffer.from(encodeEnvelope('demo.noop', []));
    return viaDeferUs - ((performance.now() - encodeStart) * 1000) / inProcessCalls;
  };
  // The same with arguments a real task carries (a string, a nested object with a Date, an array):
  // what defer() does per argument besides encoding it (the argument check walks them).
  const typical = deferrable('bench.typical', (_email: string, _user: TypicalUser, _ids: number[]) => {});
  const typicalArgs: [string, TypicalUser, number[]] = [
    'ada@example.com',
    { id: 42, name: 'Ada', tags: ['admin', 'beta', 'eu'], address: { street: '1 Main St', city: 'London' }, createdAt: new Date() },
    Array.from({ length: 20 }, (_, i) => i),
  ];
  const ownWorkWithArgs = async () => {
    const start = performance.now();
    for (let i = 0; i < inProcessCalls; i++) await defer(typical, typicalArgs, { queue: 'bench' });
    const viaDeferUs = ((performance.now() - start) * 1000) / inProcessCalls;
    const encodeStart = performance.now();
    for (let i = 0; i < inProcessCalls; i++) Buffer.from(encodeEnvelope('bench.typical', typicalArgs));
    return { viaDeferUs, ownUs: viaDeferUs - ((performance.now() - encodeStart) * 1000) / inProcessCalls };
  };
  const restore = applyTestOptions({ transport: { createTask: async () => ({ name: `${parent}/tasks/x` }) } });
  await ownWork(); // warm-up
  const ownWorkUs = median([await ownWork(), await ownWork(), await ownWork()]);
  await ownWorkWithArgs(); // warm-up
  const withArgs = [await ownWorkWithArgs(), await ownWorkWithArgs(), await ownWorkWithArgs()];
  restore();

  // Paired per round (each round's defer against that round's raw), so drift between rounds cancels.
  const ratios = results.defer.map((ms, i) => ms / results.raw[i]);
  const summary = {
    rawMsPerCall: round(median(results.raw), 3),
    deferMsPerCall: round(median(results.defer), 3),
    overhead: round(median(ratios) - 1, 3),
    adapterOwnWorkMicrosPerCall: round(ownWorkUs, 2),
    typicalArgsDeferMicrosPerCall: round(median(withArgs.map((w) => w.viaDeferUs)), 2),
    typicalArgsOwnWorkMicrosPerCall: round(median(withArgs.map((w) => w.ownUs)), 2),
    rawDefaultFetchMsPerCall: round(median(results.rawDefaultFetch), 3),
  };
  const report = { benchmark: 'enqueue', ...machine(), callsPerRound: CALLS, rounds: ROUNDS, summary, raw: results };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/enqueue.json', JSON.stringify(report, null, 2));
  console.log(JSON.stringify(summary, null, 2));
  await client.close();
  await defaultClient.close();
  await server.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
