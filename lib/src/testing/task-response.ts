/**
 * What Cloud Tasks would make of your route's answer to a task, for tests that send
 * `taskRequest(...)` through the app's own stack (a proxy.ts in front, a custom route).
 */
import { redirectHint } from '../contract/redirect-hint.js';

/**
 * Why Cloud Tasks would not count this answer as the task done, in words that say what to fix;
 * undefined for a 2xx. A 3xx gets the redirect hint (a proxy.ts matcher catching
 * /_ah/queue/..., a trailing "/"), since then the handler never ran and logs nothing.
 * @example expect(taskResponseProblem(await app(taskRequest(task, { signingKey })))).toBeUndefined()
 */
export function taskResponseProblem(response: Pick<Response, 'status' | 'headers'>): string | undefined {
  if (response.status >= 200 && response.status < 300) return undefined;
  return (
    redirectHint(response.status, response.headers.get('location')) ??
    `The app answered ${response.status}: Cloud Tasks retries the task per its queue's retry config.`
  );
}
