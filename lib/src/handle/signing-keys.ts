import { createLocalJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import { describeError, log } from '../runtime/logger.js';

/**
 * How long after a refetch of the keys another one may happen. Google publishes a new key well
 * before it signs with it, so one refetch finds it; a flood of tokens with made-up key ids gets
 * one fetch per period, never one per request.
 */
export const KEYS_REFETCH_COOLDOWN_MS = 60_000;
/** How long keys served without a `max-age` are kept (jose's remote key set's default). */
const DEFAULT_MAX_AGE_MS = 600_000;
/** A key set server slower than this is down, for this request (Cloud Tasks retries the 503). */
const FETCH_TIMEOUT_MS = 5_000;

/** The keys could not be fetched: the caller answers 503, and Cloud Tasks retries. */
export class SigningKeysUnavailable extends Error {
  override name = 'SigningKeysUnavailable';
}

/** A token without a usable `kid` header: every key set we trust names its keys. */
export class MissingKeyId extends Error {
  override name = 'MissingKeyId';
}

interface KeySet {
  /** jose's lookup over this JWKS: it matches the key id, key type, `alg` and `use`. */
  find: JWTVerifyGetKey;
  kids: ReadonlySet<string>;
  /** What `find` gave per key id: the lookup and its WeakMap cache cost a third of an RS256 check. */
  found: Map<string, ReturnType<JWTVerifyGetKey>>;
  expiresAtMs: number;
}

/**
 * The token signing keys published at one JWK set URL (Google's, or the emulator's), for jose's
 * `jwtVerify`. Not jose's createRemoteJWKSet: its cool-down starts at every fetch, the first
 * included, so a key rotated within a minute of an instance's first fetch would be refused for a
 * minute; it keeps keys for a fixed time whatever the response's `max-age`; and it sets no
 * cool-down after a failed fetch. Here: the keys are kept for the response's `max-age`; a key id
 * they lack gets one refetch, shared by every request waiting for it, at most once per cool-down
 * (a failed refetch included); concurrent requests on a cold cache share one fetch too.
 */
export class SigningKeys {
  private keys: KeySet | undefined;
  private fetching: Promise<KeySet> | undefined;
  private refetching: Promise<void> | undefined;
  private lastRefetchAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    readonly url: string,
    private readonly cooldownMs = KEYS_REFETCH_COOLDOWN_MS,
  ) {}

  /**
   * The key for a token's header, as jwtVerify asks for it (after checking that `alg` is RS256,
   * the only one it allows). Throws jose's JWKSNoMatchingKey for an unknown key id.
   */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const { kid } = header;
    if (typeof kid !== 'string') throw new MissingKeyId('the token header has no key id');
    let keys = await this.current();
    if (!keys.kids.has(kid)) {
      await this.refetch();
      keys = await this.current();
      if (!keys.kids.has(kid)) return keys.find(header, token);
    }
    let key = keys.found.get(kid);
    if (!key) keys.found.set(kid, (key = keys.find(header, token)));
    return key;
  };

  /** The keys in hand, or fetched when there are none or they expired (one fetch for all who wait). */
  private current(): Promise<KeySet> {
    const keys = this.keys;
    if (keys && keys.expiresAtMs > Date.now()) return Promise.resolve(keys);
    return (this.fetching ??= this.fetchKeys().finally(() => (this.fetching = undefined)));
  }

  /** One refetch per cool-down, whoever asks; those who ask meanwhile wait for the same one. */
  private async refetch(): Promise<void> {
    if (!this.refetching) {
      if (Date.now() - this.lastRefetchAtMs < this.cooldownMs) return;
      // Set before any await, so that every request arriving meanwhile waits for this same fetch.
      this.lastRefetchAtMs = Date.now();
      this.refetching = this.refetchLogged().finally(() => (this.refetching = undefined));
    }
    await this.refetching;
  }

  private async refetchLogged(): Promise<void> {
    const known = this.keys?.kids ?? new Set<string>();
    let fresh: KeySet;
    try {
      fresh = await this.fetchKeys();
    } catch (error) {
      log('WARNING', `token signing keys could not be refetched from ${this.url}: ${describeError(error).split('\n')[0]}`);
      throw error;
    }
    const added = [...fresh.kids].filter((kid) => !known.has(kid)).length;
    // Never the token or its key id: both come from whoever sent the request.
    const found = added ? `${added} new key(s) found` : 'no new key (a forged or stale token?)';
    const message =
      `token signing keys refetched from ${this.url}: a task token named a key id the cached keys lack; ${found}; ` +
      `the next refetch is allowed in ${this.cooldownMs / 1000} s`;
    log(added ? 'INFO' : 'WARNING', message, { certsRefetch: { url: this.url, keys: fresh.kids.size, newKeys: added } });
  }

  /** Fetches the JWK set; the keys in hand change only once the new ones are in. */
  private async fetchKeys(): Promise<KeySet> {
    let response: Response;
    let body: unknown;
    try {
      // Looked up at call time, so that a test's msw sees it.
      response = await globalThis.fetch(this.url, {
        headers: { accept: 'application/json, application/jwk-set+json' },
        redirect: 'manual',
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      body = await response.json();
    } catch (error) {
      throw new SigningKeysUnavailable(`could not fetch the token signing keys from ${this.url}: ${describeError(error).split('\n')[0]}`);
    }
    let find: JWTVerifyGetKey;
    try {
      find = createLocalJWKSet(body as Parameters<typeof createLocalJWKSet>[0]);
    } catch (error) {
      const why = error instanceof errors.JOSEError ? error.message : String(error);
      throw new SigningKeysUnavailable(`the token signing keys at ${this.url} are not a JWK set: ${why}`);
    }
    const listed = (body as { keys: { kid?: unknown }[] }).keys.map((key) => key.kid);
    const keys: KeySet = {
      find,
      kids: new Set(listed.filter((kid): kid is string => typeof kid === 'string')),
      found: new Map(),
      expiresAtMs: Date.now() + maxAgeMs(response.headers.get('cache-control')),
    };
    this.keys = keys;
    return keys;
  }
}

/** The response's `max-age` in ms (Google sends hours), else jose's default. */
function maxAgeMs(cacheControl: string | null): number {
  const match = /(?:^|,)\s*max-age=(\d+)/i.exec(cacheControl ?? '');
  return match ? Number(match[1]) * 1000 : DEFAULT_MAX_AGE_MS;
}
