import { type LogEntry } from 'next-cloud-tasks';
import { afterResponse as wrapAfterResponse, runAfterResponse } from 'next-cloud-tasks/next';
import { collectAfterResponse, setupAfterResponseCollector, setupTestOptions } from 'next-cloud-tasks/testing';

const done: string[] = [];
const logs: LogEntry[] = [];
setupTestOptions({ logWriter: (entry) => logs.push(entry) });
beforeEach(() => {
  done.length = 0;
  logs.length = 0;
});

describe('setupAfterResponseCollector', () => {
  const afterResponse = setupAfterResponseCollector();

  test("holds the calls of an afterResponse(fn) wrapper too, with their arguments; fn's error is collected", async () => {
    const track = wrapAfterResponse((event: string) => {
      if (event === 'bad') throw new Error('analytics down');
      done.push(event);
    });
    track('signup');
    track('bad');
    expect(done).toEqual([]);
    const run = await afterResponse.runAll();
    expect(done).toEqual(['signup']);
    expect(run.ran).toBe(2);
    expect(run.errors).toEqual([new Error('analytics down')]);
  });

  test('holds the work until runAll, then runs it in order', async () => {
    runAfterResponse(() => done.push('ping'));
    runAfterResponse(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      done.push('slow');
    });
    runAfterResponse(() => done.push('last'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toEqual([]);
    expect(afterResponse.callbacks).toHaveLength(3);

    expect(await afterResponse.runAll()).toEqual({ ran: 3, errors: [] });
    expect(done).toEqual(['ping', 'slow', 'last']);
    expect(afterResponse.callbacks).toEqual([]);
  });

  test('an error is logged and collected, never thrown, and the rest still runs', async () => {
    runAfterResponse(() => {
      throw new Error('analytics down');
    });
    runAfterResponse(() => done.push('after the error'));
    const run = await afterResponse.runAll();
    expect(run).toEqual({ ran: 2, errors: [new Error('analytics down')] });
    expect(done).toEqual(['after the error']);
    expect(logs).toEqual([expect.objectContaining({ severity: 'ERROR', message: expect.stringContaining('analytics down') })]);
  });

  test('work scheduled by work runs in the same runAll', async () => {
    runAfterResponse(() => runAfterResponse(() => done.push('nested')));
    expect(await afterResponse.runAll()).toEqual({ ran: 2, errors: [] });
    expect(done).toEqual(['nested']);
  });

  test('each test starts with nothing held', () => {
    expect(afterResponse.callbacks).toEqual([]);
  });
});

test('collectAfterResponse: held until runAll; after restore, work runs in the background again', async () => {
  const collector = collectAfterResponse();
  try {
    runAfterResponse(() => done.push('held'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(done).toEqual([]);
    await collector.runAll();
    expect(done).toEqual(['held']);
  } finally {
    collector.restore();
  }
  // Outside a request, Next's after() throws and runAfterResponse runs the work in the background.
  runAfterResponse(() => done.push('background'));
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(done).toEqual(['held', 'background']);
});
