import { jwtVerify, type JWTPayload } from 'jose';
import type { HandlerConfig } from '../runtime/config.js';
import { EMULATOR_ISSUER, EMULATOR_JWKS_PATH, GOOGLE_ISSUERS, GOOGLE_JWKS_URL } from '../contract/issuers.js';
import { SigningKeys } from './signing-keys.js';
import { TOKEN_FAILURES, tokenFailureOf, type TokenFailure } from './token-failures.js';

export type { TokenFailure } from './token-failures.js';

export type TokenVerdict =
  | { ok: true; email: string }
  /**
   * 401: no valid token; 403: a valid token of an account not allowed; 503: the keys are
   * unreachable, retry. `reason` says it in words for a log line, without anything of the token.
   */
  | { ok: false; status: 401 | 403 | 503; failure: TokenFailure; reason: string };

/** One key set per JWKS URL for the life of the process: a key set per request would fetch Google's keys on every task. */
const keySets = new Map<string, SigningKeys>();

function keysAt(url: string): SigningKeys {
  let keys = keySets.get(url);
  if (!keys) keySets.set(url, (keys = new SigningKeys(url)));
  return keys;
}

/** Allowance for clocks that disagree, for `exp`, `nbf` and `iat` (google-auth-library's, which Google's own clients use). */
const CLOCK_SKEW_SECONDS = 300;
/** Google's ID tokens live an hour; one that claims to live past a day is not Google's (google-auth-library's bound too). */
const MAX_LIFETIME_SECONDS = 86_400;

/**
 * A verified token's verdict cannot change before it expires, so repeated deliveries of the
 * same token (Cloud Tasks reuses one for a while) skip the RSA check. Bounded; oldest evicted.
 * Keyed by the token alone (hashing it plus the keys URL and audience, a new 1 KB string per
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

const deny = (failure: TokenFailure): TokenVerdict => ({ ok: false, failure, ...TOKEN_FAILURES[failure] });

function trustFor(config: HandlerConfig): { jwksUrl: string; issuers: string[] } {
  // The emulator's key and issuer are trusted only in emulator mode, which the config refuses on Cloud Run.
  return config.emulatorHost
    ? { jwksUrl: `http://${config.emulatorHost}${EMULATOR_JWKS_PATH}`, issuers: [EMULATOR_ISSUER] }
    : { jwksUrl: GOOGLE_JWKS_URL, issuers: GOOGLE_ISSUERS };
}

/**
 * The one check of `Authorization: Bearer <OIDC token>` for every route Google calls with an
 * OIDC token (task deliveries, cron runs, workflow steps): RS256 only, signed by a key of the
 * trusted issuer's JWK set, that issuer, `exp`, `nbf` and `iat` with clock skew, `aud` exactly
 * `config.audience`, `email` in `config.allowedEmails` with `email_verified` true. Never throws;
 * logs nothing about the token.
 */
export async function verifyTaskToken(authorization: string | null, config: HandlerConfig): Promise<TokenVerdict> {
  const match = authorization ? /^Bearer +(\S+)$/i.exec(authorization.trim()) : null;
  if (!match) return deny(authorization ? 'malformed' : 'missing');
  const token = match[1];
  const { jwksUrl, issuers } = trustFor(config);
  const trust = `${jwksUrl} ${config.audience}`;
  const email = recall(token, trust) ?? (await verifyClaims(token, config.audience, jwksUrl, issuers, trust));
  if (typeof email !== 'string') return email;
  if (!config.allowedEmails.includes(email)) return deny('email');
  return { ok: true, email };
}

async function verifyClaims(
  token: string,
  audience: string,
  jwksUrl: string,
  issuers: string[],
  trust: string,
): Promise<string | TokenVerdict> {
  const nowMs = Date.now();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keysAt(jwksUrl).getKey, {
      algorithms: ['RS256'],
      issuer: issuers,
      // Always passed: without it, any token of the issuer for any audience would do.
      audience,
      requiredClaims: ['iat', 'exp'],
      clockTolerance: CLOCK_SKEW_SECONDS,
      // Also refuses an `iat` in the future (past the skew).
      maxTokenAge: MAX_LIFETIME_SECONDS,
      currentDate: new Date(nowMs),
    }));
  } catch (error) {
    return deny(tokenFailureOf(error));
  }
  // jose accepts an `aud` array that holds the audience; Google's tokens carry one audience.
  if (typeof payload.aud !== 'string') return deny('audience');
  if (payload.exp! - nowMs / 1000 >= MAX_LIFETIME_SECONDS) return deny('lifetime');
  // A valid Google token of any account (anyone can mint one for our audience) must not run tasks.
  if (typeof payload.email !== 'string') return deny('email');
  if (payload.email_verified !== true) return deny('unverified-email');
  remember(token, trust, payload.email, payload.exp!);
  return payload.email;
}

/** Forgets the keys and the verdicts (tests that rotate keys or move the clock start clean). */
export function resetTokenVerifier(): void {
  keySets.clear();
  verdicts.clear();
}
