/**
 * The conformance suite: what real Cloud Tasks was recorded to do (../recordings.json, each case
 * named by the recording it came from), checked against the emulator through the real
 * @google-cloud/tasks client. One suite, run once per transport: each adapter only says how to
 * connect a client (REST, gRPC), like a framework-adapter suite.
 */
import type { CloudTasksClient } from '@google-cloud/tasks';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { helpLinksOf } from '../../emulator/support/google-error';
import { startTargetServer, type ReceivedRequest, type TargetServer } from '../../emulator/support/target-server';
import recordings from '../recordings.json';

export interface ConformanceAdapter {
  /** Shown in the test names: REST, gRPC. */
  name: string;
  /** A real CloudTasksClient for this transport, pointed at the emulator. */
  connect(emulator: EmulatorHandle): Promise<CloudTasksClient>;
}

const PARENT = 'projects/conformance/locations/us-central1';
const header = (request: ReceivedRequest, name: string) => {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

async function failure(call: Promise<unknown>): Promise<Error & { code?: number }> {
  try {
    await call;
  } catch (error) {
    return error as Error & { code?: number };
  }
  throw new Error('the call succeeded; the recording says it fails');
}

export function describeConformance(adapter: ConformanceAdapter): void {
  describe(`Cloud Tasks as recorded, over ${adapter.name}`, () => {
    let emulator: EmulatorHandle;
    let client: CloudTasksClient;
    let target: TargetServer;
    /** Per path, the statuses the target answers in turn (the last one repeats), and stalls. */
    const answers = new Map<string, number[]>();
    const stalls = new Set<string>();
    let counter = 0;
    const unique = (prefix: string) => `${prefix}-${adapter.name.toLowerCase()}-${++counter}`;
    const queuePath = (id: string) => `${PARENT}/queues/${id}`;
    /** A whole hour 40 days ahead, and how Google renders it in the message: US Pacific wall time and offset. */
    const farScheduleMs = Math.ceil((Date.now() + 40 * 86400_000) / 3600_000) * 3600_000;
    const pacific = new Date(farScheduleMs).toLocaleString('sv-SE', { timeZone: 'America/Los_Angeles' }).replace(' ', 'T');
    const offsetHours = (Date.parse(`${pacific}Z`) - farScheduleMs) / 3600_000;
    const farScheduleText = `${pacific}-${String(-offsetHours).padStart(2, '0')}:00`;
    const requestsTo = (path: string) => target.received.filter((request) => request.path === path);

    beforeAll(async () => {
      // Real limits, except a 0.5 s minimum dispatch deadline so that the timeout case is quick.
      emulator = await startEmulator({ port: 0, data: ':memory:', limits: { minDispatchDeadlineSeconds: 0.5 } });
      client = await adapter.connect(emulator);
      target = await startTargetServer((request) => {
        const seen = requestsTo(request.path).length;
        if (stalls.has(request.path) && seen === 1) return { delayMs: 2000 };
        const list = answers.get(request.path) ?? [200];
        return { status: list[Math.min(seen - 1, list.length - 1)] };
      });
    });

    afterAll(async () => {
      await client?.close();
      await emulator?.stop();
      await target?.close();
    });

    async function fastQueue(id: string): Promise<string> {
      const [queue] = await client.createQueue({
        parent: PARENT,
        queue: { name: queuePath(id), retryConfig: { maxAttempts: 10, minBackoff: { nanos: 50e6 }, maxBackoff: { nanos: 50e6 } } },
      });
      return queue.name!;
    }

    const httpTask = (path: string, extra: Record<string, unknown> = {}) => ({
      httpRequest: { url: `${target.url}${path}`, httpMethod: 'POST' as const, body: Buffer.from('{}') },
      ...extra,
    });

    describe.each(recordings.dispatch)('$case', (recording) => {
      test('each attempt carries the recorded X-CloudTasks-* headers', async () => {
        const path = `/${unique('dispatch')}`;
        answers.set(path, recording.answers);
        const queue = await fastQueue(unique('dispatch'));
        await client.createTask({ parent: queue, task: httpTask(path) });
        const attempts = await target.waitForPath(path, recording.answers.length);
        const seen = (name: string) => attempts.map((request) => header(request, name) ?? null);
        expect(seen('X-CloudTasks-TaskRetryCount')).toEqual(recording.retryCount);
        expect(seen('X-CloudTasks-TaskExecutionCount')).toEqual(recording.executionCount);
        expect(seen('X-CloudTasks-TaskPreviousResponse')).toEqual(recording.previousResponse);
        expect(seen('X-CloudTasks-TaskRetryReason')).toEqual(recording.retryReason);
        expect(new Set(seen('User-Agent'))).toEqual(new Set([recording.userAgent]));
      });
    });

    test(recordings.timeout.case, async () => {
      const path = `/${unique('timeout')}`;
      stalls.add(path);
      const queue = await fastQueue(unique('timeout'));
      await client.createTask({ parent: queue, task: httpTask(path, { dispatchDeadline: { nanos: 500e6 } }) });
      const [, retry] = await target.waitForPath(path, 2);
      const { previousResponse, retryReason, executionCount, retryCount } = recordings.timeout.retry;
      expect(header(retry, 'X-CloudTasks-TaskPreviousResponse')).toBe(previousResponse);
      expect(header(retry, 'X-CloudTasks-TaskRetryReason')).toBe(retryReason);
      expect(header(retry, 'X-CloudTasks-TaskExecutionCount')).toBe(executionCount);
      expect(header(retry, 'X-CloudTasks-TaskRetryCount')).toBe(retryCount);
    });

    describe.each(recordings.storedHeaders)('$case', (recording) => {
      test('create (FULL), get (BASIC) and get (FULL) return the stored headers', async () => {
        const [queue] = await client.createQueue({ parent: PARENT, queue: { name: queuePath(unique('headers')) } });
        await client.pauseQueue({ name: queue.name! });
        const task = httpTask('/stored', {});
        task.httpRequest = { ...task.httpRequest, headers: recording.sent } as typeof task.httpRequest;
        const [created] = await client.createTask({ parent: queue.name!, task, responseView: 'FULL' });
        const [basic] = await client.getTask({ name: created.name! });
        const [full] = await client.getTask({ name: created.name!, responseView: 'FULL' });
        for (const stage of [created, basic, full]) expect(stage.httpRequest?.headers).toEqual(recording.stored);
        expect(basic.httpRequest?.body?.length ?? 0).toBe(0);
        expect(Buffer.from(full.httpRequest!.body as Uint8Array).toString()).toBe('{}');
      });
    });

    test('queue defaults (FINDINGS.md): a default queue has no retryConfig.maxRetryDuration', async () => {
      const [queue] = await client.createQueue({ parent: PARENT, queue: { name: queuePath(unique('defaults')) } });
      expect(queue.retryConfig?.maxRetryDuration ?? undefined).toBeUndefined();
      const [again] = await client.getQueue({ name: queue.name! });
      expect(again.retryConfig?.maxRetryDuration ?? undefined).toBeUndefined();
      expect(again.retryConfig?.maxAttempts).toBe(100);
    });

    /** How to reach each recorded error; the recording holds the code and the message. */
    const errorCases: Record<string, () => Promise<unknown>> = {
      'realcloud.json#queue/create/already-exists': async () => {
        const name = queuePath(unique('twice'));
        await client.createQueue({ parent: PARENT, queue: { name } });
        return client.createQueue({ parent: PARENT, queue: { name } });
      },
      'realcloud.json#queue/create/invalid-name': async () => client.createQueue({ parent: PARENT, queue: { name: queuePath('bad_id') } }),
      'realcloud.json#queue/create/recently-deleted': async () => {
        const name = queuePath(unique('deleted'));
        await client.createQueue({ parent: PARENT, queue: { name } });
        await client.deleteQueue({ name });
        return client.createQueue({ parent: PARENT, queue: { name } });
      },
      'realcloud.json#queue/delete/not-found': async () => client.deleteQueue({ name: queuePath(unique('missing')) }),
      'realcloud.json#queue/get/not-found': async () => client.getQueue({ name: queuePath(unique('missing')) }),
      'realcloud.json#queue/get/recently-deleted': async () => {
        const name = queuePath(unique('deleted'));
        await client.createQueue({ parent: PARENT, queue: { name } });
        await client.deleteQueue({ name });
        return client.getQueue({ name });
      },
      'realcloud.json#queue/pause/not-found': async () => client.pauseQueue({ name: queuePath(unique('missing')) }),
      'realcloud.json#queue/purge/not-found': async () => client.purgeQueue({ name: queuePath(unique('missing')) }),
      'realcloud.json#queue/resume/not-found': async () => client.resumeQueue({ name: queuePath(unique('missing')) }),
      'realcloud.json#task/create/already-exists': async () => {
        const queue = queuePath(unique('dup'));
        await client.createQueue({ parent: PARENT, queue: { name: queue } });
        await client.pauseQueue({ name: queue });
        await client.createTask({ parent: queue, task: httpTask('/dup', { name: `${queue}/tasks/once` }) });
        return client.createTask({ parent: queue, task: httpTask('/dup', { name: `${queue}/tasks/once` }) });
      },
      'realcloud.json#task/create/invalid-name': async () => {
        const queue = queuePath(unique('ids'));
        await client.createQueue({ parent: PARENT, queue: { name: queue } });
        return client.createTask({ parent: queue, task: httpTask('/x', { name: `${queue}/tasks/not a valid id` }) });
      },
      'realcloud.json#task/create/queue-mismatch': async () => {
        const queue = queuePath('mismatch');
        await client.createQueue({ parent: PARENT, queue: { name: queue } });
        return client.createTask({ parent: queue, task: httpTask('/x', { name: `${queue}-other/tasks/t1` }) });
      },
      'realcloud.json#task/create/queue-not-found': async () =>
        client.createTask({ parent: queuePath(unique('missing')), task: httpTask('/x') }),
      'realcloud.json#task/create/queue-recently-deleted': async () => {
        const name = queuePath(unique('deleted'));
        await client.createQueue({ parent: PARENT, queue: { name } });
        await client.deleteQueue({ name });
        return client.createTask({ parent: name, task: httpTask('/x') });
      },
      'realcloud.json#task/delete/not-found': async () => {
        const queue = await fastQueue(unique('empty'));
        return client.deleteTask({ name: `${queue}/tasks/nope` });
      },
      'realcloud.json#task/get/not-found': async () => {
        const queue = await fastQueue(unique('empty'));
        return client.getTask({ name: `${queue}/tasks/nope` });
      },
      'realcloud.json#task/get/recently-deleted': async () => {
        const queue = queuePath(unique('gone'));
        await client.createQueue({ parent: PARENT, queue: { name: queue } });
        await client.pauseQueue({ name: queue });
        const [task] = await client.createTask({ parent: queue, task: httpTask('/x') });
        await client.deleteTask({ name: task.name! });
        return client.getTask({ name: task.name! });
      },
      'realcloud.json#task/run/not-found': async () => {
        const queue = await fastQueue(unique('empty'));
        return client.runTask({ name: `${queue}/tasks/nope` });
      },
      'errors.json#task-invalid-config (dispatch deadline over 30 min)': async () => {
        const queue = await fastQueue(unique('deadline'));
        return client.createTask({ parent: queue, task: httpTask('/x', { dispatchDeadline: { seconds: 1801 } }) });
      },
      'errors.json#task size probe': async () => {
        const queue = await fastQueue(unique('size'));
        const task = httpTask('/x');
        task.httpRequest.body = Buffer.alloc(1024 * 1024);
        return client.createTask({ parent: queue, task });
      },
      'errors.json#queue-invalid-config (rate over 500)': async () =>
        client.createQueue({ parent: PARENT, queue: { name: queuePath(unique('rate')), rateLimits: { maxDispatchesPerSecond: 501 } } }),
      'errors.json#queue-invalid-config (concurrency over 5000)': async () =>
        client.createQueue({ parent: PARENT, queue: { name: queuePath(unique('wide')), rateLimits: { maxConcurrentDispatches: 5001 } } }),
      'errors.json#queue-invalid-config (maxAttempts below -1)': async () =>
        client.createQueue({ parent: PARENT, queue: { name: queuePath(unique('attempts')), retryConfig: { maxAttempts: -2 } } }),
      'errors.json#queue-invalid-config (minBackoff over maxBackoff)': async () =>
        client.createQueue({
          parent: PARENT,
          queue: { name: queuePath(unique('backoff')), retryConfig: { minBackoff: { seconds: 10 }, maxBackoff: { seconds: 5 } } },
        }),
      'errors.json#task-invalid-config (schedule time over 30 days; the time in US Pacific)': async () => {
        const queue = await fastQueue(unique('far'));
        const at = farScheduleMs;
        return client.createTask({ parent: queue, task: httpTask('/x', { scheduleTime: { seconds: at / 1000 } }) });
      },
      'errors.json#task-invalid-config (URL scheme)': async () => {
        const queue = await fastQueue(unique('scheme'));
        return client.createTask({ parent: queue, task: { httpRequest: { url: 'ftp://127.0.0.1/x', httpMethod: 'POST' } } });
      },
    };

    test('every recorded error case has a way to reach it here', () => {
      expect(Object.keys(errorCases).sort()).toEqual(recordings.errors.map((recording) => recording.case).sort());
    });

    describe.each(recordings.errors)('$case', (recording) => {
      test("Google's code and exact message (our hint only in the details)", async () => {
        const error = await failure(errorCases[recording.case]());
        expect(error.code).toBe(recording.code);
        const message = recording.message.replaceAll('{queue_path}', queuePath('mismatch')).replaceAll('{schedule_time}', farScheduleText);
        // google-gax prefixes a gRPC error's message with "<code> <NAME>: ".
        expect(error.message.replace(/^\d+ [A-Z_]+: /, '')).toBe(message);
        if ('help' in recording) expect(helpLinksOf(error)).toContainEqual(recording.help);
      });
    });
  });
}
