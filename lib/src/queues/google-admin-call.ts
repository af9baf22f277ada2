import type { AuthClient } from 'google-auth-library';

/** Waits before each retry of a call answered 429 (Google's clients do not retry those themselves). */
const DEFAULT_RATE_LIMIT_RETRY_DELAYS_MS = [1000, 3000, 9000];

/**
 * Resolves Application Default Credentials up front. Left to a client, a missing ADC fails the
 * call and also rejects the client's other method stubs unhandled, which kills the process with
 * exit code 1 (the commands' "drift" code) before the real error is reported. `toError` turns the
 * failure (its first line, and the cause) into the command's own error, with its hint.
 */
export async function loadDefaultCredentials(toError: (detail: string, cause: unknown) => Error): Promise<AuthClient> {
  const { GoogleAuth } = await import('google-auth-library');
  try {
    return (await new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] }).getClient()) as AuthClient;
  } catch (err) {
    throw toError(String((err as Error).message ?? err).split('\n')[0], err);
  }
}

export interface GoogleAdminCallOptions<Client> {
  /** Makes the client, on the first call (and again after making it failed). */
  createClient(): Promise<Client>;
  isRateLimited(err: unknown): boolean;
  /** The command's error for a failed call, naming `operation`. */
  toError(err: unknown, operation: string): Error;
  /** An error already in the command's terms (the credentials' one), passed on as it is. */
  isOwnError(err: unknown): boolean;
  rateLimitRetryDelaysMs?: number[];
}

/**
 * One Google admin API client (Cloud Tasks, Cloud Scheduler), made on the first call: each call
 * retries 429s after the given delays, and any error becomes the command's error.
 */
export function createGoogleAdminCaller<Client extends { close(): Promise<void> }>(options: GoogleAdminCallOptions<Client>) {
  const delays = options.rateLimitRetryDelaysMs ?? DEFAULT_RATE_LIMIT_RETRY_DELAYS_MS;
  let client: Promise<Client> | undefined;

  async function call<T>(operation: string, fn: (client: Client) => Promise<T>): Promise<T> {
    const c = await (client ??= options.createClient()).catch((err: unknown) => {
      client = undefined;
      throw options.isOwnError(err) ? err : options.toError(err, operation);
    });
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(c);
      } catch (err) {
        if (options.isRateLimited(err) && attempt < delays.length) {
          await new Promise((r) => setTimeout(r, delays[attempt]));
          continue;
        }
        throw options.toError(err, operation);
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
