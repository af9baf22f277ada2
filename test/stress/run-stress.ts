/**
 * `npm run test:stress`: the full-size runs, too slow for `npm test` (which runs small versions
 * of each: test/stress/*.test.ts).
 *
 *   1. fuzz:   10,000 random bodies with a valid token into `next start` (fuzz-run.ts)
 *   2. load:   10,000 tasks through the emulator at the bench queue's full rate, a fifth failing
 *              first (load-run.ts)
 *   3. faults: 3,000 tasks, the app SIGKILLed at 50% and restarted
 *
 * Sizes: STRESS_FUZZ, STRESS_LOAD, STRESS_FAULT. Prints one JSON line per run and exits 1 if any
 * check failed. Everything listens on 127.0.0.1; every process it starts is stopped by PID.
 */
import { buildNextApp } from '../helpers/next-server';
import { runFuzz } from './fuzz-run';
import { runLoad } from './load-run';
import { startSignedApp } from './signed-app';

const FUZZ = Number(process.env.STRESS_FUZZ ?? 10_000);
const LOAD = Number(process.env.STRESS_LOAD ?? 10_000);
const FAULT = Number(process.env.STRESS_FAULT ?? 3_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);

async function fuzz(): Promise<boolean> {
  const target = await startSignedApp();
  try {
    await runFuzz({ url: target.app.url, token: target.token, count: 500, seed: SEED + 1 });
    const before = await target.heapAfter(Date.now() + 600);
    const result = await runFuzz({ url: target.app.url, token: target.token, count: FUZZ, seed: SEED });
    const after = await target.heapAfter(Date.now() + 1500);
    const alive = target.app.process.exitCode === null;
    const heapGrowthMB = Math.round(((after.heapUsed - before.heapUsed) / 1048576) * 10) / 10;
    console.log(
      JSON.stringify({
        run: 'fuzz',
        count: FUZZ,
        seed: SEED,
        requestsPerSecond: Math.round((FUZZ / result.durationMs) * 1000),
        statuses: result.statuses,
        kinds: result.kinds,
        violations: result.violations.slice(0, 10),
        alive,
        heapBeforeMB: Math.round(before.heapUsed / 1048576),
        heapGrowthMB,
        rssAfterMB: Math.round(after.rss / 1048576),
      }),
    );
    return result.violations.length === 0 && alive && heapGrowthMB < 16;
  } finally {
    await target.stop();
  }
}

async function load(tasks: number, killAt?: number): Promise<boolean> {
  const result = await runLoad({ tasks, killAt, log: (line) => console.error(`[${killAt === undefined ? 'load' : 'faults'}] ${line}`) });
  console.log(
    JSON.stringify({
      run: killAt === undefined ? 'load' : 'faults',
      ...result,
      problems: result.problems.slice(0, 20),
      problemCount: result.problems.length,
    }),
  );
  return result.problems.length === 0 && result.dead === 0;
}

async function main(): Promise<void> {
  process.env.NEXT_TEST_BUILD_ID ??= `stress-${process.pid}-${Date.now()}`;
  await buildNextApp();
  const results = { fuzz: await fuzz(), load: await load(LOAD), faults: await load(FAULT, 0.5) };
  console.log(JSON.stringify({ run: 'summary', ...results }));
  process.exitCode = Object.values(results).every(Boolean) ? 0 : 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
