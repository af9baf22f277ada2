import type { CloudTasksOptions } from '../runtime/options.js';
import { applyLayer } from '../runtime/options-state.js';
import { aroundEachTest } from './jest-hooks.js';

/**
 * Applies `options` over the app's (registerDeferred's) and the environment, as if
 * registerDeferred had been given them too, until the returned function is called: a test's log
 * writer, event listener or transport, or settings of its own. The settings are resolved again
 * from the environment as it is now (a test that sets `process.env` applies its options after).
 * The jest form is setupTestOptions(); a stub installed later takes precedence for settings.
 *
 * @example
 * const restore = applyTestOptions({ logWriter: (entry) => logs.push(entry) });
 * // ...
 * restore();
 */
export function applyTestOptions(options: CloudTasksOptions): () => void {
  return applyLayer({ options: { ...options } });
}

/** The jest form of applyTestOptions: applied before each test of the file or describe block, removed after it. */
export function setupTestOptions(options: CloudTasksOptions): void {
  let restore: (() => void) | undefined;
  aroundEachTest(
    'setupTestOptions()',
    'applyTestOptions(), which returns the function that removes them',
    () => {
      restore = applyTestOptions(options);
    },
    () => restore?.(),
  );
}
