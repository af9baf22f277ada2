import { createPublicKey, type KeyObject } from 'node:crypto';
import type { HandlerConfig } from '../runtime/config.js';
import { EMULATOR_ISSUER, EMULATOR_PEM_CERTS_PATH, GOOGLE_ISSUERS, GOOGLE_PEM_CERTS_URL } from '../contract/issuers.js';
import { SigningCerts } from './signing-certs.js';

export type TokenVerdict =
  | { ok: true; email: string }
  /** 401: no valid token; 403: a valid token of an account not allowed; 503: certs unreachable, retry. */
  | { ok: false; status: 401 | 403 | 503; reason: string };

/**
 * One set of certs per certs URL for the life of the process: google-auth-library caches them
 * on its client for the response's max-age, so a client per request would fetch Google's certs
 * on every task. SigningCerts adds the refetch on a key id it does not know yet (key rotation).
 */
const signingCerts = new Map<string, SigningCerts>();

function certsFor(certsUrl: string, issuers: string[]): SigningCerts {
  let certs = signingCerts.get(certsUrl);
  if (!certs) {
    certs = new SigningCerts(certsUrl, issuers);
    signingCerts.set(certsUrl, certs);
  }
  return certs;
}

/** google-auth-library's allowance for clocks that disagree, for `iat` and `exp`; `nbf` gets the same. */
const CLOCK_SKEW_SECONDS = 300;

/**
 * A verified token's verdict cannot change before it expires, so repeated deliveries of the
 * same token (Cloud Tasks reuses one for a while) skip the RSA check. Bounded; oldest evicted.
 * Keyed by the token alone (hashing it plus the certs URL and audience, a new 1 KB string per
 * request, cost more than the rest of the lookup); the trust it was verified under must match.
 */
const VERDICT_CACHE_SIZE = 1000;
const verdicts = new Map<string, { trust: string; email: string; expiresAtMs: number }>();

function remember(token: string, trust: string, email: string, expSeconds: number): void {
  if (verdicts.size >= VERDICT_CACHE_SIZE) verdicts.delete(verdicts.keys().next().value!);
  verdicts.set(token, { trust, email, expiresAtMs: expSeconds * 1000 });
}

function recall(token: string, trust: string): string | undefined {
  const hit = verdicts.get(token);
  if (!hit || hit.trust !== trust) return undefined;
  if (hit.expiresAtMs <= Date.now()) {
    verdicts.delete(token);
    return undefined;
  }
  return hit.email;
}

/**
 * The certs as parsed keys, once per certs response: the library verifies with whatever the map
 * holds, and a PEM string is parsed again on every verification (half the cost of an RS256 check).
 */
const parsedCerts = new WeakMap<object, Record<string, KeyObject | unknown>>();

function withParsedKeys<T extends object>(certs: T): T {
  let parsed = parsedCerts.get(certs);
  if (!parsed) {
    parsed = {};
    for (const [kid, cert] of Object.entries(certs)) {
      try {
        parsed[kid] = typeof cert === 'string' ? createPublicKey(cert) : cert;
      } catch {
        parsed[kid] = cert; // not a key: the library's own check refuses it
      }
    }
    parsedCerts.set(certs, parsed);
  }
  return parsed as T;
}

const deny = (status: 401 | 403 | 503, reason: string): TokenVerdict => ({ ok: false, status, reason });

/** Reads the JOSE header without trusting it: only RS256 with a key id can be a Google token. */
function readHeader(token: string): { kid: string } | { problem: string } {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) return { problem: 'malformed token' };
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
  } catch {
    return { problem: 'malformed token header' };
  }
  const { alg, kid } = (header ?? {}) as { alg?: unknown; kid?: unknown };
  if (alg !== 'RS256') return { problem: `token algorithm ${JSON.stringify(alg)} is not RS256` };
  if (typeof kid !== 'string') return { problem: 'token has no key id' };
  return { kid };
}

/**
 * RFC 7519 4.1.5: a token must not be accepted before its `nbf`, which google-auth-library never
 * reads. Allowed the library's clock skew, as `iat` is; an `nbf` that is not a number is refused.
 */
function notBeforeProblem(nbf: unknown): string | undefined {
  if (nbf === undefined) return undefined;
  if (typeof nbf !== 'number' || !Number.isFinite(nbf)) return 'token nbf is not a number';
  return nbf - CLOCK_SKEW_SECONDS > Date.now() / 1000 ? 'token not yet valid (nbf)' : undefined;
}

/**
 * google-auth-library's messages embed the whole token; the caller gets a category instead,
 * so nothing about the token reaches the logs.
 */
function reasonFrom(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const reasons: [RegExp, string][] = [
    [/^No pem found/, 'unknown signing key'],
    [/^Invalid token signature/, 'bad signature'],
    [/too late/, 'token expired'],
    [/too early/, 'token not yet valid'],
    [/too far in future/, 'token lifetime too long'],
    [/^Invalid issuer/, 'wrong issuer'],
    [/^Wrong recipient/, 'wrong audience'],
    [/issue time|expiration time|invalid format/, 'token lacks iat or exp'],
  ];
  return reasons.find(([pattern]) => pattern.test(message))?.[1] ?? 'invalid token';
}

function trustFor(config: HandlerConfig): { certsUrl: string; issuers: string[] } {
  // The emulator's key and issuer are trusted only in emulator mode, which the config refuses on Cloud Run.
  return config.emulatorHost
    ? { certsUrl: `http://${config.emulatorHost}${EMULATOR_PEM_CERTS_PATH}`, issuers: [EMULATOR_ISSUER] }
    : { certsUrl: GOOGLE_PEM_CERTS_URL, issuers: GOOGLE_ISSUERS };
}

/** Checks `Authorization: Bearer <OIDC token>` as Cloud Tasks sends it. Never throws. */
export async function verifyTaskToken(authorization: string | null, config: HandlerConfig): Promise<TokenVerdict> {
  if (!authorization) return deny(401, 'no Authorization header');
  const match = /^Bearer +(\S+)$/i.exec(authorization.trim());
  if (!match) return deny(401, 'Authorization is not a Bearer token');
  const token = match[1];
  const { certsUrl, issuers } = trustFor(config);
  const trust = `${certsUrl} ${config.audience}`;
  const email = recall(token, trust) ?? (await verifySignature(token, config.audience, certsUrl, issuers, trust));
  if (typeof email !== 'string') return email;
  if (!config.allowedEmails.includes(email)) return deny(403, 'token email is not in the allowed list');
  return { ok: true, email };
}

async function verifySignature(
  token: string,
  audience: string,
  certsUrl: string,
  issuers: string[],
  trust: string,
): Promise<string | TokenVerdict> {
  const header = readHeader(token);
  if ('problem' in header) return deny(401, header.problem);
  const signing = certsFor(certsUrl, issuers);
  const lookup = await signing.forKey(header.kid);
  if (!lookup.ok) return deny(503, lookup.reason);
  let payload;
  try {
    // Audience is always passed: without it the library skips the audience check.
    const ticket = await signing.verifier.verifySignedJwtWithCertsAsync(token, withParsedKeys(lookup.certs), audience, issuers);
    payload = ticket.getPayload();
  } catch (error) {
    return deny(401, reasonFrom(error));
  }
  const early = notBeforeProblem((payload as { nbf?: unknown } | undefined)?.nbf);
  if (early) return deny(401, early);
  // The library checks neither email nor email_verified: a valid Google token of any account
  // (anyone can mint one for our audience) must not run tasks.
  if (!payload || typeof payload.email !== 'string') return deny(403, 'token has no email');
  if (payload.email_verified !== true) return deny(403, 'token email is not verified');
  remember(token, trust, payload.email, payload.exp);
  return payload.email;
}

/** Forgets the certs and the verdicts (tests that rotate keys or move the clock start clean). */
export function resetTokenVerifier(): void {
  signingCerts.clear();
  verdicts.clear();
}
