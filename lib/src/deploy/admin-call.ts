/**
 * One Google admin API client (Cloud Tasks for queues, Cloud Scheduler for jobs), made on the
 * first call, through which every call of a deploy goes: 429s retried after a few delays, and any
 * failure turned into the deploy's own error with its hint (admin-errors.ts).
 */
import type { AuthClient } from 'google-auth-library';
import { credentialsError, isRateLimited, toApiCallError, type ApiHints } from './admin-errors.js';
import type { ApiCallErrorClass } from './errors.js';

/** Waits before each retry of a call answered 429 (Google's clients do not retry those themselves). */
const DEFAULT_RATE_LIMIT_RETRY_DELAYS_MS = [1000, 3000, 9000];

/**
 * Resolves Application Default Credentials up front. Left to a client, a missing ADC fails the
 * call and also rejects the client's other method stubs unhandled, which kills the process with
 * exit code 1 (the commands' "drift" code) before the real error is reported.
 */
async function loadDefaultCredentials(toError: (detail: string, cause: unknown) => Error): Promise<AuthClient> {
  const { GoogleAuth } = await import('google-auth-library');
  try {
    return (await new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] }).getClient()) as AuthClient;
  } catch (err) {
    throw toError(String((err as Error).message ?? err).split('\n')[0], err);
  }
}

export interface AdminCallOptions<Client> {
  /** Makes the client with these credentials, on the first call (and again after making it failed). */
  createClient(authClient: AuthClient | undefined): Promise<Client>;
  /** Credentials to use instead of Application Default Credentials (tests pass a PassThroughClient). */
  authClient?: AuthClient;
  /** Skip Application Default Credentials: the client needs none (the local emulator). */
  noCredentials?: boolean;
  project: string;
  location: string;
  /** Where the calls go, for "cannot reach" messages. */
  endpoint: string;
  hints: ApiHints;
  /** The deploy's API error (QueuesApiError, CronApiError). */
  ErrorClass: ApiCallErrorClass;
  /** Waits before each retry of a call answered 429. @default [1000, 3000, 9000] */
  rateLimitRetryDelaysMs?: number[];
}

/** Runs one call with the client, retrying 429s; any failure becomes the deploy's error naming `operation`. */
export type AdminCall<Client> = <T>(operation: string, fn: (client: Client) => Promise<T>) => Promise<T>;

export function createAdminCaller<Client extends { close(): Promise<void> }>(
  options: AdminCallOptions<Client>,
): { call: AdminCall<Client>; close(): Promise<void> } {
  const delays = options.rateLimitRetryDelaysMs ?? DEFAULT_RATE_LIMIT_RETRY_DELAYS_MS;
  const { ErrorClass, hints } = options;
  const toError = (err: unknown, operation: string) =>
    err instanceof ErrorClass ? err : toApiCallError(err, { ...options, operation }, hints, ErrorClass);
  const makeClient = async () =>
    options.createClient(
      options.authClient ?? (options.noCredentials ? undefined : await loadDefaultCredentials(credentialsError(hints, ErrorClass))),
    );
  let client: Promise<Client> | undefined;

  async function call<T>(operation: string, fn: (client: Client) => Promise<T>): Promise<T> {
    const c = await (client ??= makeClient()).catch((err: unknown) => {
      client = undefined;
      throw toError(err, operation);
    });
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(c);
      } catch (err) {
        if (isRateLimited(err) && attempt < delays.length) {
          await new Promise((r) => setTimeout(r, delays[attempt]));
          continue;
        }
        throw toError(err, operation);
      }
    }
  }

  return {
    call,
    async close() {
      if (client) await (await client).close();
    },
  };
}
