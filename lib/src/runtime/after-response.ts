import { onCloudRun, type Env } from '../contract/env.js';
import { describeError, log } from './logger.js';
import { testDouble } from './options-state.js';
import { processState } from './process-state.js';

/** Runs fire-and-forget work: an error is logged, never thrown and never retried. */
export async function runGuarded(work: () => unknown): Promise<void> {
  try {
    await work();
  } catch (error) {
    log('ERROR', `runAfterResponse work failed (not retried; use defer() for work that must happen): ${describeError(error)}`, {
      ...(error instanceof Error ? { stack_trace: error.stack } : {}),
    });
  }
}

const state = () => processState('after-response', (): { warnedAboutCpu: boolean } => ({ warnedAboutCpu: false }));

/** Where a test takes runAfterResponse's work instead of Next's `after()` (the test kit's collector), if it does. */
export const afterResponseScheduler = () => testDouble('afterResponse');

/**
 * On Cloud Run, request-based billing throttles the CPU once the response is sent, so work
 * after the response may crawl or never finish: warn once.
 */
export function warnOnceAboutCpuOnCloudRun(env: Env = process.env): void {
  const once = state();
  if (once.warnedAboutCpu || !onCloudRun(env)) return;
  once.warnedAboutCpu = true;
  log(
    'WARNING',
    'runAfterResponse on Cloud Run: work after the response needs instance-based billing (gcloud run services update SERVICE --no-cpu-throttling); with request-based billing the CPU is throttled once the response is sent. Use defer() for work that must happen.',
  );
}
