/**
 * The load and fault run, small (LOAD_COUNT, default 300 tasks) so that `npm test` stays quick;
 * `npm run test:stress` runs 10,000. Through the emulator into `next start`, a fifth failing on
 * their first attempt, and the app killed (SIGKILL) and restarted when 40% are done.
 */
import { runLoad } from './load-run';

jest.setTimeout(600_000);

const COUNT = Number(process.env.LOAD_COUNT ?? 300);

test(`${COUNT} tasks, a fifth failing first, the app killed and restarted mid-run: every task ran, none more often than attempted`, async () => {
  const result = await runLoad({ tasks: COUNT, killAt: 0.4 });
  console.log(JSON.stringify(result));
  expect(result.problems).toEqual([]);
  expect(result.tasks).toBe(COUNT);
  expect(result.flaky).toBe(Math.ceil(COUNT / 5));
  expect(result.killedAfter).toBeGreaterThan(0);
  // Each flaky task failed once at least; attempts cut by the kill add more.
  expect(result.failedAttempts).toBeGreaterThanOrEqual(result.flaky);
  expect(result.dead).toBe(0);
});
