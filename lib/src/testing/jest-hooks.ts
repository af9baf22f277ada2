/** jest's (or vitest's, with globals) per-test hooks, looked up at call time: no test-runner types or globals at import. */
type Hook = (fn: () => void) => void;
interface TestHooks {
  beforeEach?: Hook;
  afterEach?: Hook;
}

/**
 * Runs `setUp` before and `tearDown` after each test of the file or describe block it is called
 * in. Outside a test runner with global hooks, the error names the caller and what to use instead.
 */
export function aroundEachTest(caller: string, alternative: string, setUp: () => void, tearDown: () => void): void {
  const { beforeEach, afterEach } = globalThis as TestHooks;
  if (typeof beforeEach !== 'function' || typeof afterEach !== 'function') {
    throw new Error(
      `${caller} registers jest hooks: call it at the top of a test file or in a describe block. Elsewhere, use ${alternative}.`,
    );
  }
  beforeEach(() => setUp());
  afterEach(() => tearDown());
}
