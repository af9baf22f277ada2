/**
 * Type-level tests of afterResponse(fn), checked by `tsc --noEmit`: each @ts-expect-error line
 * must be a compile error.
 */
import { afterResponse } from 'next-cloud-tasks/next';

const track = afterResponse(async (event: string, props?: { plan: string }) => ({ event, props }));

export function callsAreTypedByTheWrappedFunction() {
  track('signup');
  track('upgrade', { plan: 'pro' });
  const nothing: void = track('login');

  // @ts-expect-error a number where a string is expected
  track(42);
  // @ts-expect-error a missing required argument
  track();
  // @ts-expect-error one argument too many
  track('signup', { plan: 'pro' }, 'extra');
  // @ts-expect-error the work has not run: there is no result to await
  const result: Promise<unknown> = track('signup');
  return [nothing, result];
}
