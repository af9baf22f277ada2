import { signIdToken, type IdTokenClaims, type SigningKey } from './oidc-tokens.js';
import { writeTaskHeaders } from '../contract/task-headers.js';
import { taskHeadersOf, type StubTask } from './stub-task.js';

export interface TaskRequestOptions {
  /** Signs the task's OIDC token; serve its certificate with `googleCertsHandler([key])`. */
  signingKey: SigningKey;
  /** Claims to change in the token (a wrong `aud`, an `exp` in the past, another `email`). */
  claims?: Partial<IdTokenClaims>;
  /** Where to send it. @default the task's URL (with TEST_OPTIONS, https://app.example.test/...) */
  url?: string;
}

/**
 * The HTTP request Cloud Tasks would send for `task` now: its body and headers, the
 * `X-CloudTasks-*` headers from its history, and `Authorization: Bearer <token>` signed as Google
 * signs it for the task's service account and audience. For testing your own routes:
 * `await POST(await taskRequest(task, { signingKey }))`.
 */
export async function taskRequest(task: StubTask, options: TaskRequestOptions): Promise<Request> {
  const headers = new Headers(task.headers);
  for (const [key, value] of Object.entries(writeTaskHeaders(taskHeadersOf(task, task.eta)))) headers.set(key, value);
  if (task.oidcToken) {
    const token = await signIdToken(options.signingKey, {
      aud: task.oidcToken.audience,
      email: task.oidcToken.serviceAccountEmail,
      ...options.claims,
    });
    headers.set('Authorization', `Bearer ${token}`);
  }
  return new Request(options.url ?? task.url, { method: 'POST', headers, body: task.payload.slice() });
}
