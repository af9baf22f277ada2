/**
 * gRPC or REST for defer() on Cloud Run: each transport of @google-cloud/tasks against a loopback
 * stand-in (the emulator, both ports, behind a TCP proxy this bench controls), in fresh processes:
 * the first call after start (import + client + first createTask), steady latency (50 calls),
 * memory, and what happens after an idle spell with the process frozen (SIGSTOP, as Cloud Run
 * throttles CPU between requests), with the connection kept and with it dropped meanwhile (as
 * Google's front end drops idle connections). Results: bench/results/transport.json; the
 * decision and the numbers: docs/transport.md.
 *
 * Run: npm run bench -- transport. BENCH_ROUNDS (fresh processes per transport) overrides.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startEmulator } from '../lib/src/emulator/index';
import { machine, median, round } from './support/stats';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const FREEZE_MS = 3000;
const PARENT = 'projects/bench/locations/us-central1';
const QUEUE = `${PARENT}/queues/transport`;

/** A TCP proxy whose connections the bench can drop, standing in for a front end closing idle ones. */
async function startProxy(target: number) {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      // As a real front end does: no Nagle delay on small HTTP/2 frames (else ~40 ms per call).
      socket.setNoDelay(true);
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    dropAll: () => sockets.forEach((socket) => socket.destroy()),
    close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}

interface Round {
  importMs: number;
  firstCallMs: number;
  firstTotalMs: number;
  rssAfterFirstMb: number;
  steadyMedianMs: number;
  steadyP95Ms: number;
  rssAfterSteadyMb: number;
  heapAfterSteadyMb: number;
  frozenKeptMs: number | string;
  frozenDroppedMs: number | string;
}

async function runRound(transport: 'grpc' | 'rest', target: number): Promise<Round> {
  const proxy = await startProxy(target);
  const child = spawn(
    process.execPath,
    [join(__dirname, 'support/transport-probe.mjs'), transport, `127.0.0.1:${proxy.port}`, QUEUE, '50'],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const line = String((await lines.next()).value);
    if (process.env.BENCH_DEBUG) console.error(`${transport}: ${line.slice(0, 120)}`);
    return JSON.parse(line);
  };
  const first = await next();
  const steady = await next();
  const sorted = [...steady.latencies].sort((a: number, b: number) => a - b);
  const afterIdle = async (drop: boolean) => {
    await next(); // idle
    child.kill('SIGSTOP');
    if (drop) proxy.dropAll();
    await new Promise((resolve) => setTimeout(resolve, FREEZE_MS));
    child.kill('SIGCONT');
    child.stdin!.write(`${drop ? 'dropped' : 'kept'}\n`);
    const result = await next();
    return result.error ? `error: ${result.error}` : round(result.callMs, 1);
  };
  const frozenKeptMs = await afterIdle(false);
  const frozenDroppedMs = await afterIdle(true);
  await next();
  child.stdin!.write('end\n');
  await new Promise((resolve) => child.on('exit', resolve));
  await proxy.close();
  return {
    importMs: round(first.importMs, 1),
    firstCallMs: round(first.firstCallMs, 1),
    firstTotalMs: round(first.firstTotalMs, 1),
    rssAfterFirstMb: first.rssMb,
    steadyMedianMs: round(median(sorted), 2),
    steadyP95Ms: round(sorted[Math.floor(sorted.length * 0.95)], 2),
    rssAfterSteadyMb: steady.rssMb,
    heapAfterSteadyMb: steady.heapMb,
    frozenKeptMs,
    frozenDroppedMs,
  };
}

async function main() {
  const emulator = await startEmulator({ port: 0, data: ':memory:' });
  try {
    const api = (path: string, body: unknown) =>
      fetch(`${emulator.url}/v2/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await api(`${PARENT}/queues`, { name: QUEUE });
    await api(`${QUEUE}:pause`, {}); // tasks pile up undispatched: only createTask is measured
    const results: Record<string, Round[]> = { grpc: [], rest: [] };
    for (let i = 0; i < ROUNDS; i++) {
      // Alternated, so machine noise falls on both alike.
      results.grpc.push(await runRound('grpc', emulator.grpcPort!));
      results.rest.push(await runRound('rest', emulator.port));
    }
    const summary = Object.fromEntries(
      Object.entries(results).map(([transport, rounds]) => {
        const med = (key: keyof Round) => {
          const values = rounds.map((r) => r[key]).filter((v): v is number => typeof v === 'number');
          return values.length ? round(median(values), 2) : undefined;
        };
        const failures = (key: keyof Round) => rounds.filter((r) => typeof r[key] === 'string').map((r) => r[key]);
        return [
          transport,
          {
            importMs: med('importMs'),
            firstCallMs: med('firstCallMs'),
            firstTotalMs: med('firstTotalMs'),
            steadyMedianMs: med('steadyMedianMs'),
            steadyP95Ms: med('steadyP95Ms'),
            rssAfterFirstMb: med('rssAfterFirstMb'),
            rssAfterSteadyMb: med('rssAfterSteadyMb'),
            frozenKeptMs: med('frozenKeptMs'),
            frozenDroppedMs: med('frozenDroppedMs'),
            frozenFailures: [...failures('frozenKeptMs'), ...failures('frozenDroppedMs')],
          },
        ];
      }),
    );
    const out = { machine: machine(), rounds: ROUNDS, freezeMs: FREEZE_MS, summary, results };
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(join(__dirname, 'results/transport.json'), `${JSON.stringify(out, null, 2)}\n`);
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    await emulator.stop();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
