/**
 * runAfterResponse on Next's after(): inside a request the work goes to after(); outside one
 * (after() throws) it still runs, in the background; an error is logged, never thrown; on Cloud
 * Run a warning about CPU after the response is logged once.
 */
import type { LogEntry } from 'next-cloud-tasks';
import { applyTestOptions } from 'next-cloud-tasks/testing';

const scheduled: (() => unknown)[] = [];
let insideRequest = true;
jest.mock('next/server', () => ({
  after: (work: () => unknown) => {
    if (!insideRequest) throw new Error('`after` was called outside a request scope');
    scheduled.push(work);
  },
}));

async function load(env: Record<string, string | undefined> = {}) {
  const previous = process.env.K_SERVICE;
  process.env.K_SERVICE = env.K_SERVICE;
  if (env.K_SERVICE === undefined) delete process.env.K_SERVICE;
  let modules!: { next: typeof import('next-cloud-tasks/next') };
  jest.isolateModules(() => {
    modules = { next: require('next-cloud-tasks/next') };
  });
  const logs: LogEntry[] = [];
  // The options live on the process's one slot, so the isolated modules read this test's too.
  const removeOptions = applyTestOptions({ logWriter: (entry) => logs.push(entry) });
  return {
    runAfterResponse: modules.next.runAfterResponse,
    logs,
    restore: () => {
      removeOptions();
      if (previous === undefined) delete process.env.K_SERVICE;
      else process.env.K_SERVICE = previous;
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

beforeEach(() => {
  scheduled.length = 0;
  insideRequest = true;
});

test('inside a request, the work is handed to after() and runs only when Next runs it', async () => {
  const { runAfterResponse, restore } = await load();
  let ran = 0;
  runAfterResponse(() => ran++);
  await settle();
  expect(ran).toBe(0);
  expect(scheduled).toHaveLength(1);
  await scheduled[0]();
  expect(ran).toBe(1);
  restore();
});

test('an error is logged at ERROR, never thrown, and not retried', async () => {
  const { runAfterResponse, logs, restore } = await load();
  let calls = 0;
  runAfterResponse(() => {
    calls++;
    throw new Error('analytics down');
  });
  await expect(scheduled[0]()).resolves.toBeUndefined();
  expect(calls).toBe(1);
  expect(logs).toEqual([expect.objectContaining({ severity: 'ERROR', message: expect.stringContaining('analytics down') })]);
  restore();
});

test('outside a request (after() throws), the work still runs in the background', async () => {
  insideRequest = false;
  const { runAfterResponse, logs, restore } = await load();
  let ran = 0;
  expect(() => runAfterResponse(async () => ran++)).not.toThrow();
  await settle();
  expect(ran).toBe(1);
  expect(logs).toEqual([]);
  restore();
});

test('on Cloud Run (K_SERVICE set), a warning about CPU after the response is logged once', async () => {
  const { runAfterResponse, logs, restore } = await load({ K_SERVICE: 'my-app' });
  runAfterResponse(() => {});
  runAfterResponse(() => {});
  const warnings = logs.filter((l) => l.severity === 'WARNING');
  expect(warnings).toHaveLength(1);
  expect(warnings[0].message).toMatch(/instance-based billing.*--no-cpu-throttling/);
  restore();
});

test('off Cloud Run, no warning', async () => {
  const { runAfterResponse, logs, restore } = await load();
  runAfterResponse(() => {});
  expect(logs.filter((l) => l.severity === 'WARNING')).toEqual([]);
  restore();
});

describe('afterResponse(fn): the wrapper form', () => {
  async function loadWrapper() {
    const loaded = await load();
    let afterResponse!: typeof import('next-cloud-tasks/next').afterResponse;
    jest.isolateModules(() => {
      afterResponse = require('next-cloud-tasks/next').afterResponse;
    });
    return { ...loaded, afterResponse };
  }

  test('each call schedules fn with its arguments, taken at the call; nothing runs before after() does', async () => {
    const { afterResponse, restore } = await loadWrapper();
    const seen: [string, number][] = [];
    const track = afterResponse(async (event: string, count: number) => void seen.push([event, count]));
    const user = { count: 1 };
    expect(track('signup', user.count)).toBeUndefined();
    user.count = 2;
    track('login', user.count);
    await settle();
    expect(seen).toEqual([]);
    expect(scheduled).toHaveLength(2);
    for (const work of scheduled) await work();
    expect(seen).toEqual([
      ['signup', 1],
      ['login', 2],
    ]);
    restore();
  });

  test("fn's error is logged at ERROR, never thrown to the caller or by after()", async () => {
    const { afterResponse, logs, restore } = await loadWrapper();
    const track = afterResponse((event: string) => {
      throw new Error(`cannot send ${event}`);
    });
    expect(() => track('signup')).not.toThrow();
    await expect(scheduled[0]()).resolves.toBeUndefined();
    expect(logs).toEqual([expect.objectContaining({ severity: 'ERROR', message: expect.stringContaining('cannot send signup') })]);
    restore();
  });

  test('outside a request, a call still runs fn in the background', async () => {
    insideRequest = false;
    const { afterResponse, restore } = await loadWrapper();
    const seen: string[] = [];
    afterResponse((event: string) => void seen.push(event))('cli');
    await settle();
    expect(seen).toEqual(['cli']);
    restore();
  });

  test('something other than a function is refused where it is wrapped', async () => {
    const { afterResponse, restore } = await loadWrapper();
    expect(() => afterResponse('track' as never)).toThrow(/afterResponse\(\) takes the function/);
    restore();
  });
});
