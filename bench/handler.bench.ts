/**
 * The task handler against a bare POST route in the same `next start`, same run, same load:
 * requests/s and p99 for (a) a verified no-op task whose token repeats (the verdict cache),
 * (b) a verified no-op task with a fresh token per request (a full RS256 check each time).
 * Two baselines: a bare static route, and a bare route of the task route's optional catch-all
 * shape (Next's routing cost of `[[...suffix]]`, which any handler at that path pays).
 * Rounds rotate the order; medians are reported. Goals: (b) >= 0.85 and (a) >= 0.95 of bare.
 * Each run also records the server's CPU time per request (from /proc), which the load generator
 * sharing the cores does not skew.
 */
import autocannon from 'autocannon';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeEnvelope } from '@/lib/src/contract/envelope';
import { startSignedApp } from '../test/helpers/signed-app';
import { processCpuMs } from './support/process-cpu';
import { machine, median, round } from './support/stats';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS_PER_RUN = Number(process.env.BENCH_SECONDS ?? 5);
/** Fresh tokens must never repeat (a repeat hits the verdict cache): sized well above the rate seen here. */
const MAX_EXPECTED_RATE = 3000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

type Variant = 'bare' | 'bare-catch-all' | 'handler-repeated-token' | 'handler-fresh-token';
const VARIANTS: Variant[] = ['bare', 'bare-catch-all', 'handler-repeated-token', 'handler-fresh-token'];
const URLS: Record<Variant, string> = {
  bare: '/api/bench/bare',
  'bare-catch-all': '/api/bench/catch-all/demo.noop',
  'handler-repeated-token': '/_ah/queue/deferred/demo.noop',
  'handler-fresh-token': '/_ah/queue/deferred/demo.noop',
};

async function main() {
  process.env.NEXT_TEST_BUILD_ID = `bench-${Date.now()}`;
  // The server's logs go to a file, as on Cloud Run: piped into this process, they would
  // compete with the load generator for the CPU.
  const signed = await startSignedApp({ logFile: `${mkdtempSync(join(tmpdir(), 'bench-'))}/next.log` });
  const { app } = signed;
  const url = app.url;
  try {
    const sign = (i: number) => signed.token({ jti: `bench-${i}` });
    const poolSize = MAX_EXPECTED_RATE * SECONDS_PER_RUN * (ROUNDS + 1);
    console.error(`signing ${poolSize} fresh tokens...`);
    const fresh: string[] = [];
    // In batches: jose signs asynchronously, and the batch keeps the libuv pool busy without a 60,000-promise pile.
    for (let i = 0; i < poolSize; i += 100) {
      fresh.push(
        ...(await Promise.all(Array.from({ length: Math.min(100, poolSize - i) }, (_, j) => sign(i + j)))).map((t) => `Bearer ${t}`),
      );
    }
    const repeated = `Bearer ${await sign(-1)}`;
    const body = Buffer.from(encodeEnvelope('demo.noop', []));
    let next = 0;

    // Fixed-duration runs, counting completed requests: in `amount` mode autocannon ends a run
    // on its one-second tick, which quantizes the rate.
    const serverCpuMs = () => processCpuMs(app.process.pid!);
    const run = async (variant: Variant, seconds: number) => {
      const cpuBefore = serverCpuMs();
      const result = await autocannon({
        url: url + URLS[variant],
        method: 'POST',
        connections: CONNECTIONS,
        duration: seconds,
        body,
        headers: { 'content-type': 'application/json', 'x-cloudtasks-queuename': 'bench' },
        // Every variant rewrites each request the same way, so the load generator (on the same
        // cores) does the same work whatever the variant; only the fresh-token one changes the token.
        requests: [
          {
            setupRequest: (request: any) => ({
              ...request,
              headers: { ...request.headers, authorization: variant === 'handler-fresh-token' ? fresh[next++ % fresh.length] : repeated },
            }),
          },
        ],
      });
      const cpuAfter = serverCpuMs();
      const cpuUsPerRequest =
        cpuBefore === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpuBefore) * 1000) / result.requests.total;
      return { result, reqPerSec: result.requests.total / seconds, cpuUsPerRequest };
    };

    // Warm-up: JIT, route modules, the certs fetch.
    for (const variant of VARIANTS) await run(variant, 1);

    type Samples = { rps: number[]; p99: number[]; cpuUs: number[] };
    const results = Object.fromEntries(VARIANTS.map((variant) => [variant, { rps: [], p99: [], cpuUs: [] }])) as unknown as Record<
      Variant,
      Samples
    >;
    const order = VARIANTS;
    for (let round = 0; round < ROUNDS; round++) {
      const rotated = [...order.slice(round % order.length), ...order.slice(0, round % order.length)];
      for (const variant of rotated) {
        const { result, reqPerSec, cpuUsPerRequest } = await run(variant, SECONDS_PER_RUN);
        const failures = result.non2xx + result.errors + result.timeouts;
        if (failures)
          throw new Error(
            `${variant}: ${failures} of ${result.requests.total} requests failed (non-2xx ${result.non2xx}, errors ${result.errors}); server output:\n${app.output().slice(-2000)}`,
          );
        results[variant].rps.push(reqPerSec);
        results[variant].p99.push(result.latency.p99);
        if (cpuUsPerRequest !== undefined) results[variant].cpuUs.push(cpuUsPerRequest);
        const cpu = cpuUsPerRequest === undefined ? '' : `, server CPU ${Math.round(cpuUsPerRequest)} µs/request`;
        console.error(`round ${round + 1} ${variant}: ${Math.round(reqPerSec)} req/s, p99 ${result.latency.p99} ms${cpu}`);
      }
    }
    if (next > fresh.length) throw new Error(`the fresh-token pool (${fresh.length}) ran out: raise MAX_EXPECTED_RATE`);
    const summary = Object.fromEntries(
      order.map((variant) => [
        variant,
        {
          reqPerSec: Math.round(median(results[variant].rps)),
          p99Ms: median(results[variant].p99),
          ratioToBare: round(median(results[variant].rps) / median(results.bare.rps)),
          ratioToBareCatchAll: round(median(results[variant].rps) / median(results['bare-catch-all'].rps)),
          ...(results[variant].cpuUs.length && {
            serverCpuUsPerRequest: Math.round(median(results[variant].cpuUs)),
            // Inverted, so that like the throughput ratios, 1 is the baseline and lower is worse.
            cpuRatioToBare: round(median(results.bare.cpuUs) / median(results[variant].cpuUs)),
            cpuRatioToBareCatchAll: round(median(results['bare-catch-all'].cpuUs) / median(results[variant].cpuUs)),
          }),
        },
      ]),
    );
    const report = {
      benchmark: 'handler',
      ...machine(),
      connections: CONNECTIONS,
      secondsPerRun: SECONDS_PER_RUN,
      rounds: ROUNDS,
      summary,
      raw: results,
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/handler.json', JSON.stringify(report, null, 2));
    console.log(JSON.stringify(report.summary, null, 2));
  } finally {
    await signed.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
