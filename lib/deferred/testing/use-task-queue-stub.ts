import { createTaskQueueStub, type TaskQueueStub } from './task-queue-stub';
import type { TaskQueueStubOptions } from './stub-options';

function jestHooks(): { beforeEach: jest.Lifecycle; afterEach: jest.Lifecycle } {
  if (typeof beforeEach !== 'function' || typeof afterEach !== 'function') {
    throw new Error(
      'useTaskQueueStub() registers jest hooks: call it at the top of a test file or in a describe block. Elsewhere, use createTaskQueueStub() with install() and uninstall().',
    );
  }
  return { beforeEach, afterEach };
}

/**
 * The jest form of App Engine's taskqueue_stub fixture: a stub installed before each test of
 * the file (or of the describe block it is called in) and uninstalled after it. Every test
 * starts with empty queues, no taken names, no dead letters and the clock at the real time.
 *
 * @example
 * const queue = useTaskQueueStub({ manifest });
 * test('welcome mail', async () => {
 *   await defer(sendWelcome, ['u1'], { queue: 'testing' });
 *   expect(queue.getFilteredTasks({ queueNames: 'testing' })).toHaveLength(1);
 * });
 */
export function useTaskQueueStub(options: TaskQueueStubOptions): TaskQueueStub {
  const hooks = jestHooks();
  const stub = createTaskQueueStub(options);
  hooks.beforeEach(() => stub.install());
  hooks.afterEach(() => stub.uninstall());
  return stub;
}
