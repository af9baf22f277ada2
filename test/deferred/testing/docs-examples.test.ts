// The examples of docs/testing.md, as they are written there: if one breaks, the docs lie.
import { join } from 'node:path';
import { createManifest, defer, deferrable, TaskAlreadyExistsError, type LogEntry } from 'next-cloud-tasks';
import { setupTaskQueueStub, setupTestOptions } from 'next-cloud-tasks/testing';

const sent: string[] = [];
const sendWelcome = deferrable('users.sendWelcome', async (email: string) => {
  sent.push(email);
});
const syncToCrm = deferrable('crm.sync', async (_customer: string) => {
  throw new Error('CRM unavailable');
});
const reminded: string[] = [];
const remind = deferrable('users.remind', (user: string) => void reminded.push(user));
const sendInvoice = deferrable('billing.invoice', (_order: string) => {});
const placeOrder = (order: string) => defer(sendInvoice, [order], { name: `invoice-${order}` });
const chargeCard = deferrable('billing.charge', async (_customer: string, _cents: bigint) => {
  throw new Error('card declined');
});
const manifest = createManifest([sendWelcome, syncToCrm, remind, sendInvoice, chargeCard]);
const retryQueues = { path: join(__dirname, 'fixtures/retry-queues.yaml') };

const logs: LogEntry[] = [];
setupTestOptions({ logWriter: (entry) => logs.push(entry) });
beforeEach(() => {
  sent.length = 0;
  reminded.length = 0;
  logs.length = 0;
});

describe('the first test', () => {
  const queue = setupTaskQueueStub({ manifest });

  test('signing up defers the welcome mail to the testing queue', async () => {
    expect(queue.getFilteredTasks({ queueNames: 'testing' })).toEqual([]);

    await defer(sendWelcome, ['ada@example.com'], { queue: 'testing' });

    const tasks = queue.getFilteredTasks({ queueNames: 'testing' });
    expect(tasks).toHaveLength(1);
    expect(tasks[0].functionId).toBe('users.sendWelcome');
    expect(tasks[0].args).toEqual(['ada@example.com']);

    const result = await queue.runTask(tasks[0]);
    expect(result.status).toBe(200);
    expect(sent).toEqual(['ada@example.com']);
  });
});

describe('runTask that throws, as deferred.run raised', () => {
  const queue = setupTaskQueueStub({ manifest });

  test("the function's error is thrown", async () => {
    await defer(chargeCard, ['cus_1', 500n], { queue: 'testing', name: 'charge-1' });
    await expect(queue.runTask('charge-1', { throwOnError: true })).rejects.toThrow('card declined');
  });
});

describe('invoices (the describe-block form)', () => {
  const queue = setupTaskQueueStub({ manifest, queues: retryQueues });

  test('a paid order defers one invoice, named after the order', async () => {
    await placeOrder('order-42');
    expect(queue.getFilteredTasks({ name: 'invoice-order-42' })).toHaveLength(1);
  });

  test('deferring the same invoice twice fails', async () => {
    await placeOrder('order-42');
    await expect(placeOrder('order-42')).rejects.toBeInstanceOf(TaskAlreadyExistsError);
  });
});

describe('the clock and retries', () => {
  const queue = setupTaskQueueStub({ manifest, queues: retryQueues });

  test('a failing sync is retried with the queue backoff, then dead-lettered', async () => {
    await defer(syncToCrm, ['cus_1'], { queue: 'backoff' });

    const waits: number[] = [];
    for (let attempt = 1; attempt <= 7; attempt++) {
      const before = queue.clock.now().getTime();
      const [run] = await queue.drain();
      expect(run.disposition).toBe('retry-scheduled');
      waits.push((run.task.eta.getTime() - before) / 1000);
      queue.clock.advanceTo(run.task.eta);
    }
    expect(waits).toEqual([10, 20, 40, 80, 160, 240, 300]);

    const [last] = await queue.drain();
    expect(last.deadLettered).toBe(true);
    expect(queue.getFilteredTasks()).toEqual([]);
    expect(queue.deadLetteredTasks()).toEqual([expect.objectContaining({ functionId: 'crm.sync', attempt: 8 })]);
  });

  test('a reminder deferred for tomorrow runs tomorrow', async () => {
    await defer(remind, ['u1'], { countdown: 86_400 });
    expect(await queue.drain()).toEqual([]);
    queue.clock.advance(86_400);
    expect(await queue.drain()).toHaveLength(1);
    expect(reminded).toEqual(['u1']);
  });
});
