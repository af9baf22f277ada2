/**
 * The jest stub models DEFERRED_PAYLOAD_BUCKET: with `config.payloadBucket`, a task too big for
 * Cloud Tasks is stored in the stub's memory and read back, verified, by runTask and drain.
 */
import { createManifest, defer, DeferManyError, deferMany, deferrable, PayloadTooLargeError, PermanentTaskFailure } from 'next-cloud-tasks';
import { applyTestOptions, setupTaskQueueStub, setupTestOptions } from 'next-cloud-tasks/testing';

const received: number[] = [];
const importRows = deferrable('rows.import', (rows: string[]) => void received.push(rows.length));
const refuseRows = deferrable('rows.refuse', (_rows: string[]) => {
  throw new PermanentTaskFailure('bad header row');
});
const manifest = createManifest([importRows, refuseRows]);
/** ~2 MB of arguments: over Cloud Tasks' 1 MiB. */
const manyRows = () => Array.from({ length: 20_000 }, (_, i) => `row ${i} `.padEnd(100, 'x'));

setupTestOptions({ logWriter: () => {} });
beforeEach(() => {
  received.length = 0;
});

describe('with config.payloadBucket', () => {
  const queue = setupTaskQueueStub({ manifest, config: { payloadBucket: 'gs://test-payloads/deferred' } });

  test('a big task is stored, listed with its arguments, run by drain, and its object deleted', async () => {
    await defer(importRows, [manyRows()], { queue: 'testing' });
    const [task] = queue.getFilteredTasks();
    expect(task.payloadObject).toMatch(/^gs:\/\/test-payloads\/deferred\/rows\.import\/[0-9a-f-]{36}\.json$/);
    expect(task.payload.byteLength).toBeLessThan(1000);
    expect(task.functionId).toBe('rows.import');
    expect(task.args?.[0]).toHaveLength(20_000);
    expect(queue.payloads.list()).toEqual([{ object: task.payloadObject, bytes: expect.any(Number) }]);
    expect(queue.payloads.list()[0].bytes).toBeGreaterThan(2_000_000);

    const [run] = await queue.drain();
    expect(run.status).toBe(200);
    expect(received).toEqual([20_000]);
    expect(queue.payloads.list()).toEqual([]);
  });

  test('runTask reads it back too; a dead-lettered one keeps its object, named in the dead letter', async () => {
    await defer(refuseRows, [manyRows()], { queue: 'testing', name: 'refused' });
    const result = await queue.runTask('refused');
    expect(result.outcome).toBe('permanent-failure');
    const [dead] = queue.deadLetteredTasks();
    expect(dead.payloadObject).toBe(queue.getFilteredTasks()[0].payloadObject);
    expect(queue.payloads.list()).toHaveLength(1);
  });

  test('a task that cannot be created leaves no object behind (a duplicate name)', async () => {
    await defer(importRows, [manyRows()], { queue: 'testing', name: 'import-1' });
    await expect(defer(importRows, [manyRows()], { queue: 'testing', name: 'import-1' })).rejects.toThrow(/already exists/);
    expect(queue.payloads.list()).toHaveLength(1);
    expect(queue.payloads.list()[0].object).toBe(queue.getFilteredTasks()[0].payloadObject);
  });

  test('payloadOffloadBytes (DEFERRED_PAYLOAD_OFFLOAD_BYTES) offloads smaller tasks too', async () => {
    const restore = applyTestOptions({ payloadOffloadBytes: 2000 });
    try {
      await defer(importRows, [['a'.repeat(3000)]], { queue: 'testing', name: 'medium' });
      await defer(importRows, [['a'.repeat(100)]], { queue: 'testing', name: 'small' });
    } finally {
      restore();
    }
    expect(queue.getFilteredTasks({ name: 'medium' })[0].payloadObject).toBeDefined();
    expect(queue.getFilteredTasks({ name: 'small' })[0].payloadObject).toBeUndefined();
    await queue.drain();
    expect(received).toEqual([1, 1]);
  });

  test('deferMany offloads each big call on its own; the small ones stay inline; a call that made no task leaves no object', async () => {
    await defer(importRows, [['taken']], { queue: 'testing', name: 'taken' });
    const error = await deferMany(
      importRows,
      [[manyRows()], [['one row']], { args: [manyRows()], options: { name: 'taken' } }, [manyRows()]],
      { queue: 'testing' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeferManyError);
    expect((error as DeferManyError).result.items.map((item) => item.ok)).toEqual([true, true, false, true]);
    const tasks = queue.getFilteredTasks({
      name: (error as DeferManyError).result.items.flatMap((item) => (item.ok ? [item.taskName] : [])),
    });
    expect(tasks.map((task) => task.payloadObject !== undefined)).toEqual([true, false, true]);
    // The failed call's object was deleted: only the two tasks' objects are left.
    expect(
      queue.payloads
        .list()
        .map((object) => object.object)
        .sort(),
    ).toEqual([tasks[0].payloadObject, tasks[2].payloadObject].sort());
    await queue.drain();
    expect(received.sort()).toEqual([1, 1, 20_000, 20_000]);
    expect(queue.payloads.list()).toEqual([]);
  });

  test('small tasks stay inline', async () => {
    await defer(importRows, [['one row']], { queue: 'testing' });
    expect(queue.getFilteredTasks()[0].payloadObject).toBeUndefined();
    expect(queue.payloads.list()).toEqual([]);
  });
});

describe('without it', () => {
  setupTaskQueueStub({ manifest });

  test('a big task throws PayloadTooLargeError, naming the variable that lifts the limit', async () => {
    const attempt = defer(importRows, [manyRows()], { queue: 'testing' });
    await expect(attempt).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(attempt).rejects.toThrow(/DEFERRED_PAYLOAD_BUCKET/);
  });
});
