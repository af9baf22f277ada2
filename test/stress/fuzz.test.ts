/**
 * The fuzz run, small (FUZZ_COUNT, default 600) so that `npm test` stays quick; `npm run test:stress`
 * runs 10,000. Every answer is one of the contract's statuses, the server never crashes, and the
 * live heap after the run (after a GC, measured inside the server) is back near where it was.
 */
import { startSignedApp, type SignedApp } from './signed-app';
import { runFuzz } from './fuzz-run';

jest.setTimeout(300_000);

const COUNT = Number(process.env.FUZZ_COUNT ?? 600);
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
/** Heap growth allowed after the run: Next's caches settle after the warm-up; a leak of even 1 KB per request would show. */
const HEAP_SLACK_BYTES = 8 * 1024 * 1024;
let target: SignedApp;

beforeAll(async () => {
  target = await startSignedApp();
});
afterAll(async () => target?.stop());

test(`${COUNT} random bodies with a valid token: only contract statuses, no crash, heap back to baseline`, async () => {
  // Warm-up with the same kinds of bodies, so lazily built caches count in the baseline.
  await runFuzz({ url: target.app.url, token: target.token, count: 200, seed: SEED + 1 });
  const baseline = await target.heapAfter(Date.now() + 600);

  const result = await runFuzz({ url: target.app.url, token: target.token, count: COUNT, seed: SEED });
  const after = await target.heapAfter(Date.now() + 1500);
  console.log(
    JSON.stringify({
      count: COUNT,
      seed: SEED,
      ...result,
      violations: result.violations.slice(0, 5),
      heapBefore: baseline.heapUsed,
      heapAfter: after.heapUsed,
      rssAfter: after.rss,
    }),
  );

  expect(result.violations).toEqual([]);
  expect(target.app.process.exitCode).toBeNull();
  expect(after.heapUsed - baseline.heapUsed).toBeLessThan(HEAP_SLACK_BYTES);
  // Still serving: a well-formed task runs.
  const ok = await fetch(`${target.app.url}/_ah/queue/deferred/demo.noop`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await target.token()}` },
    body: '{"json":{"v":1,"fn":"demo.noop","args":[]}}',
  });
  expect(ok.status).toBe(200);
});
