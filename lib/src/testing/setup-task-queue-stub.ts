import { aroundEachTest } from './jest-hooks.js';
import { createTaskQueueStub, type TaskQueueStub } from './task-queue-stub.js';
import type { TaskQueueStubOptions } from './stub-options.js';

/**
 * The jest form of App Engine's taskqueue_stub fixture: a stub installed before each test of
 * the file (or of the describe block it is called in) and uninstalled after it. Every test
 * starts with empty queues, no taken names, no dead letters and the clock at the real time.
 *
 * @example
 * const queue = setupTaskQueueStub({ manifest });
 * test('welcome mail', async () => {
 *   await defer(sendWelcome, ['u1'], { queue: 'testing' });
 *   expect(queue.getFilteredTasks({ queueNames: 'testing' })).toHaveLength(1);
 * });
 */
export function setupTaskQueueStub(options: TaskQueueStubOptions): TaskQueueStub {
  const stub = createTaskQueueStub(options);
  aroundEachTest(
    'setupTaskQueueStub()',
    'createTaskQueueStub() with install() and uninstall()',
    () => stub.install(),
    () => stub.uninstall(),
  );
  return stub;
}
