import { OAuth2Client } from 'google-auth-library';
import { lateFetch } from '../contract/late-fetch.js';
import { describeError, log } from '../runtime/logger.js';

/**
 * How long after a refetch of the certs another one may happen. Google publishes a new key well
 * before it signs with it, so one refetch finds it; a flood of tokens with made-up key ids gets
 * one fetch per period, never one per request.
 */
export const CERTS_REFETCH_COOLDOWN_MS = 60_000;

type Certs = Awaited<ReturnType<OAuth2Client['getFederatedSignonCertsAsync']>>['certs'];

/** The certs, or why they could not be had (the handler answers 503: Cloud Tasks retries). */
export type CertsLookup = { ok: true; certs: Certs } | { ok: false; reason: string };

/**
 * The token signing certs of one certs URL. google-auth-library's OAuth2Client caches them for
 * the response's max-age (a day, at Google) and, on a key id it does not hold, throws "No pem
 * found for envelope" without looking again, so a task signed with a freshly rotated key would
 * get 401 until the cache expired. This adds what jose's remote key set does: on an unknown key
 * id, one refetch, shared by the requests waiting for it, at most once per cool-down.
 */
export class SigningCerts {
  private client: OAuth2Client;
  private refetching: Promise<boolean> | undefined;
  private fetching: { client: OAuth2Client; certs: Promise<Certs> } | undefined;
  private lastRefetchAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    readonly url: string,
    private readonly issuers: string[],
    private readonly cooldownMs = CERTS_REFETCH_COOLDOWN_MS,
  ) {
    this.client = this.newClient();
  }

  /** The client that verifies signatures (its issuers are the trusted ones). */
  get verifier(): OAuth2Client {
    return this.client;
  }

  /** Certs that hold `kid` if any fetch allowed now finds it; else the current ones. */
  async forKey(kid: string): Promise<CertsLookup> {
    let lookup = await this.current();
    if (!lookup.ok || Object.hasOwn(lookup.certs, kid)) return lookup;
    const refetched = await this.refetch();
    if (refetched === 'failed') return { ok: false, reason: `could not refetch the token signing certs from ${this.url}` };
    lookup = await this.current();
    return lookup;
  }

  /**
   * The client's certs (cached, or fetched when expired). Requests that arrive while a fetch is
   * under way wait for it: the library itself would send one fetch per request on a cold cache.
   */
  private async current(): Promise<CertsLookup> {
    const client = this.client;
    if (!this.fetching || this.fetching.client !== client) {
      const fetching = { client, certs: client.getFederatedSignonCertsAsync().then((r) => r.certs) };
      this.fetching = fetching;
      void fetching.certs.then(
        () => this.fetching === fetching && (this.fetching = undefined),
        () => this.fetching === fetching && (this.fetching = undefined),
      );
    }
    try {
      return { ok: true, certs: await this.fetching.certs };
    } catch {
      return { ok: false, reason: `could not fetch the token signing certs from ${this.url}` };
    }
  }

  /**
   * A fresh client fetches the certs (the library has no public way to drop its cache); it
   * replaces the current one only once it holds them, so a failed refetch changes nothing.
   */
  private async refetch(): Promise<'done' | 'failed' | 'cooling-down'> {
    // Set before any await, so that every request arriving meanwhile waits for this same fetch.
    if (!this.refetching) {
      if (Date.now() - this.lastRefetchAtMs < this.cooldownMs) return 'cooling-down';
      this.lastRefetchAtMs = Date.now();
      this.refetching = this.fetchFresh().finally(() => {
        this.refetching = undefined;
      });
    }
    return (await this.refetching) ? 'done' : 'failed';
  }

  private async fetchFresh(): Promise<boolean> {
    const before = await this.current();
    const known = new Set(before.ok ? Object.keys(before.certs) : []);
    const fresh = this.newClient();
    try {
      const { certs } = await fresh.getFederatedSignonCertsAsync();
      this.client = fresh;
      const added = Object.keys(certs).filter((kid) => !known.has(kid)).length;
      // Never the token or its key id: both come from whoever sent the request.
      const found = added ? `${added} new key(s) found` : 'no new key (a forged or stale token?)';
      const message =
        `token signing certs refetched from ${this.url}: a task token named a key id the cached certs lack; ${found}; ` +
        `the next refetch is allowed in ${this.cooldownMs / 1000} s`;
      log(added ? 'INFO' : 'WARNING', message, { certsRefetch: { url: this.url, keys: Object.keys(certs).length, newKeys: added } });
      return true;
    } catch (error) {
      log('WARNING', `token signing certs could not be refetched from ${this.url}: ${describeError(error).split('\n')[0]}`);
      return false;
    }
  }

  private newClient(): OAuth2Client {
    return new OAuth2Client({
      issuers: this.issuers,
      endpoints: { oauth2FederatedSignonPemCertsUrl: this.url },
      transporterOptions: { fetchImplementation: lateFetch },
    } as ConstructorParameters<typeof OAuth2Client>[0]);
  }
}
