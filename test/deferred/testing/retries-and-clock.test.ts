import { join } from 'node:path';
import {
  createManifest,
  defer,
  deferrable,
  getTaskContext,
  PermanentTaskFailure,
  SingularTaskFailure,
  type TaskContext,
} from 'next-cloud-tasks';
import { encodeEnvelope } from '@/lib/src/contract/envelope';
import { applyTestOptions, createTaskQueueStub, setupTaskQueueStub, setupTestOptions } from 'next-cloud-tasks/testing';

const queues = { path: join(__dirname, 'fixtures/retry-queues.yaml') };
const contexts: TaskContext[] = [];
const ran: string[] = [];
const record = () => contexts.push(getTaskContext());
const ok = deferrable('ok', (label: string) => {
  record();
  ran.push(label);
});
const fails = deferrable('fails', () => {
  record();
  throw new Error('boom');
});
const hopeless = deferrable('hopeless', () => {
  throw new PermanentTaskFailure('never');
});
/** Answers as listed, per attempt: 'ok', 'error' (500), 'quiet' (SingularTaskFailure: 408). */
const script: string[] = [];
const scripted = deferrable('scripted', () => {
  record();
  const step = script.shift();
  if (step === 'error') throw new Error('transient');
  if (step === 'quiet') throw new SingularTaskFailure('not yet');
});
const loops = deferrable('loops', async () => {
  await defer(loops, [], { queue: 'default' });
});
const manifest = createManifest([ok, fails, hopeless, scripted, loops]);

const queue = setupTaskQueueStub({ manifest, queues });
setupTestOptions({ logWriter: () => {} });
beforeEach(() => {
  contexts.length = 0;
  ran.length = 0;
  script.length = 0;
});

const seconds = (ms: number) => ms / 1000;

describe('retries as Cloud Tasks makes them', () => {
  test('min 10 s / max 300 s / 3 doublings: backoffs 10, 20, 40, 80, 160, 240, 300, then dead-lettered', async () => {
    const name = await defer(fails, [], { queue: 'backoff' });
    const backoffs: number[] = [];
    for (let attempt = 1; attempt <= 7; attempt++) {
      const before = queue.clock.now().getTime();
      const [run] = await queue.drain();
      expect(run).toEqual(expect.objectContaining({ status: 500, disposition: 'retry-scheduled', deadLettered: false }));
      expect(run.task.retryCount).toBe(attempt);
      backoffs.push(seconds(run.task.eta.getTime() - before));
      // Not due a millisecond early.
      queue.clock.advanceTo(new Date(run.task.eta.getTime() - 1));
      expect(await queue.drain()).toEqual([]);
      queue.clock.advance(0.001);
    }
    expect(backoffs).toEqual([10, 20, 40, 80, 160, 240, 300]);

    const [last] = await queue.drain();
    expect(last).toEqual(expect.objectContaining({ status: 500, disposition: 'deleted', deadLettered: true }));
    expect(queue.getFilteredTasks()).toEqual([]);
    expect(contexts.map((c) => c.retryCount)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(queue.deadLetteredTasks()).toEqual([
      expect.objectContaining({
        reason: 'final-attempt',
        name,
        taskName: name.split('/').pop(),
        queue: 'backoff',
        functionId: 'fails',
        attempt: 8,
        error: 'Error: boom',
        at: queue.clock.now(),
      }),
    ]);
  });

  test('the retry count counts every delivery; the execution count leaves out 5xx', async () => {
    script.push('error', 'quiet', 'error', 'ok');
    await defer(scripted, [], { queue: 'default' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [run] = await queue.drain();
      statuses.push(run.status);
      queue.clock.advance(3600);
    }
    expect(statuses).toEqual([500, 408, 500, 200]);
    expect(contexts.map((c) => [c.retryCount, c.executionCount, c.previousResponse, c.retryReason])).toEqual([
      [0, 0, undefined, undefined],
      // Real Cloud Tasks sends an empty retry reason to HTTP targets.
      [1, 0, 500, ''],
      [2, 1, 408, ''],
      [3, 1, 500, ''],
    ]);
    expect(queue.getFilteredTasks()).toEqual([]);
  });

  test('the ETA a function sees is the one it was due at', async () => {
    await defer(fails, [], { queue: 'backoff' });
    const first = queue.getFilteredTasks()[0].eta;
    await queue.drain();
    queue.clock.advance(10);
    await queue.drain();
    expect(contexts.map((c) => c.eta)).toEqual([first, new Date(first.getTime() + 10_000)]);
  });

  test('a max retry duration is measured on the virtual clock, from the first attempt', async () => {
    // age-limited: task_retry_limit 0 but task_age_limit 3m, backoff 60 s: attempts at 0, 60, 120, 180 s.
    await defer(fails, [], { queue: 'age-limited' });
    const start = queue.clock.now().getTime();
    const at: number[] = [];
    for (;;) {
      const [run] = await queue.drain();
      at.push(seconds(queue.clock.now().getTime() - start));
      if (run.disposition === 'deleted') break;
      queue.clock.advanceTo(run.task.eta);
    }
    expect(at).toEqual([0, 60, 120, 180]);
    expect(queue.deadLetteredTasks()).toEqual([expect.objectContaining({ attempt: 4, reason: 'final-attempt' })]);
  });

  test('task_retry_limit 0: the first failure is dead-lettered and the task removed', async () => {
    const name = await defer(fails, [], { queue: 'once', name: 'one-shot' });
    const [run] = await queue.drain();
    expect(run).toEqual(expect.objectContaining({ status: 500, deadLettered: true, disposition: 'deleted' }));
    const [dead] = queue.deadLetteredTasks();
    expect(dead).toEqual(
      expect.objectContaining({ name, taskName: 'one-shot', attempt: 1, url: '/_ah/queue/deferred/fails', bodyEncoding: 'utf8' }),
    );
    expect(JSON.parse(dead.body).json.fn).toBe('fails');
  });

  test('unlimited retries: a failing task stays, due again after the min backoff', async () => {
    await defer(fails, [], { queue: 'default' });
    const [run] = await queue.drain();
    expect(run.disposition).toBe('retry-scheduled');
    expect(run.task.eta.getTime() - queue.clock.now().getTime()).toBe(100);
    expect(queue.getFilteredTasks()).toHaveLength(1);
    expect(queue.deadLetteredTasks()).toEqual([]);
  });

  test('PermanentTaskFailure: 2xx, dead-lettered at once and removed, whatever the queue', async () => {
    await defer(hopeless, [], { queue: 'default' });
    const [run] = await queue.drain();
    expect(run).toEqual(expect.objectContaining({ status: 200, outcome: 'permanent-failure', deadLettered: true, disposition: 'deleted' }));
    expect(queue.deadLetteredTasks()).toEqual([
      expect.objectContaining({ reason: 'permanent-failure', error: 'PermanentTaskFailure: never' }),
    ]);
  });

  test('an unknown function is retried, and dead-lettered on its last attempt', async () => {
    const body = encodeEnvelope('removed.in.this.deploy', []);
    const request = {
      project: 'test-project',
      location: 'us-central1',
      url: 'https://app.example.test/_ah/queue/deferred/x',
      headers: {},
      body,
      oidcToken: { serviceAccountEmail: 'a@b.c', audience: 'x' },
    };
    await queue.createTask({ ...request, queue: 'default' });
    await queue.createTask({ ...request, queue: 'once' });
    const runs = await queue.drain();
    expect(runs.map((r) => [r.task.queueName, r.status, r.disposition, r.deadLettered])).toEqual([
      ['default', 404, 'retry-scheduled', false],
      ['once', 404, 'deleted', true],
    ]);
  });

  test('runTask on the last attempt dead-letters but still leaves the task in place', async () => {
    await defer(fails, [], { queue: 'once' });
    const run = await queue.runTask(queue.getFilteredTasks()[0]);
    expect(run).toEqual(expect.objectContaining({ deadLettered: true, disposition: 'kept' }));
    expect(queue.getFilteredTasks()).toHaveLength(1);
  });

  test('a paused queue (rate 0) is not drained; runTask still runs its tasks', async () => {
    await defer(ok, ['held'], { queue: 'paused' });
    expect(await queue.drain()).toEqual([]);
    expect(ran).toEqual([]);
    await queue.runTask(queue.getFilteredTasks()[0]);
    expect(ran).toEqual(['held']);
  });

  test('drain stops a task that defers itself forever, with a message', async () => {
    const looping = createTaskQueueStub({ manifest, queues, maxDrainRuns: 20 });
    looping.install();
    try {
      await defer(loops, []);
      await expect(looping.drain()).rejects.toThrow(/drain\(\) stopped after 20 deliveries \(maxDrainRuns\)/);
    } finally {
      looping.uninstall();
    }
  });

  test("the lifecycle events are the handler's: start, error, dead, success", async () => {
    const seen: string[] = [];
    const restore = applyTestOptions({
      onEvent: (event, payload) => {
        const e = payload as { context?: TaskContext; willRetry?: boolean; reason?: string };
        if (event === 'task:start') seen.push(`start ${e.context?.functionId}`);
        if (event === 'task:success') seen.push(`success ${e.context?.functionId}`);
        if (event === 'task:error') seen.push(`error ${e.context?.functionId} retry=${e.willRetry}`);
        if (event === 'task:dead') seen.push(`dead ${e.reason}`);
      },
    });
    try {
      await defer(ok, ['a'], { queue: 'default' });
      await defer(fails, [], { queue: 'once' });
      await queue.drain();
    } finally {
      restore();
    }
    expect(seen).toEqual(['start ok', 'success ok', 'start fails', 'dead final-attempt', 'error fails retry=false']);
  });
});

describe('retries: false', () => {
  const noRetries = setupTaskQueueStub({ manifest, queues, retries: false });

  test('every task gets one attempt: a failure is dead-lettered at once, even on a queue that retries', async () => {
    await defer(fails, [], { queue: 'backoff' });
    await defer(ok, ['fine'], { queue: 'backoff' });
    const runs = await noRetries.drain();
    expect(runs.map((r) => [r.status, r.deadLettered, r.disposition])).toEqual([
      [500, true, 'deleted'],
      [200, false, 'deleted'],
    ]);
    expect(noRetries.getFilteredTasks()).toEqual([]);
    expect(noRetries.deadLetteredTasks()).toEqual([expect.objectContaining({ functionId: 'fails', attempt: 1 })]);
  });
});

describe('the virtual clock', () => {
  test('starts at the real time of install and stands still until moved', async () => {
    const start = queue.clock.now();
    expect(Math.abs(start.getTime() - Date.now())).toBeLessThan(1000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(queue.clock.now()).toEqual(start);
    queue.clock.advance(1.5);
    expect(queue.clock.now().getTime() - start.getTime()).toBe(1500);
    queue.clock.advanceTo(new Date(start.getTime() + 86_400_000));
    expect(queue.clock.now().getTime() - start.getTime()).toBe(86_400_000);
  });

  test('goes forward only', () => {
    expect(() => queue.clock.advance(-1)).toThrow(/seconds >= 0/);
    expect(() => queue.clock.advanceTo(new Date(queue.clock.now().getTime() - 1))).toThrow(/only moves forward/);
  });

  test("a countdown counts from the clock's time at the defer, however far the clock has moved", async () => {
    queue.clock.advance(5 * 86_400);
    const at = queue.clock.now().getTime();
    await defer(ok, ['later'], { queue: 'default', countdown: 90 });
    const [task] = queue.getFilteredTasks();
    expect(task.eta.getTime() - at).toBe(90_000);
    queue.clock.advance(89.999);
    expect(await queue.drain()).toEqual([]);
    queue.clock.advance(0.001);
    await queue.drain();
    expect(ran).toEqual(['later']);
  });

  test('an eta is read against the real time defer saw, then placed on the clock', async () => {
    queue.clock.advance(600);
    await defer(ok, ['at'], { queue: 'default', eta: new Date(Date.now() + 3_600_000) });
    const lead = queue.getFilteredTasks()[0].eta.getTime() - queue.clock.now().getTime();
    expect(Math.abs(lead - 3_600_000)).toBeLessThan(1000);
  });

  test('each install puts the clock back at the real time', () => {
    expect(Math.abs(queue.clock.now().getTime() - Date.now())).toBeLessThan(1000);
  });
});
