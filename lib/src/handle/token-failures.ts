import { errors } from 'jose';
import { MissingKeyId, SigningKeysUnavailable } from './signing-keys.js';

/**
 * Every way an OIDC token check can fail, its status, and the words a log line uses. 401: not a
 * valid token (Cloud Tasks retries; a real task never gets one); 403: a valid token of an account
 * that is not allowed; 503: the signing keys could not be fetched (retried once they can).
 */
export const TOKEN_FAILURES = {
  missing: { status: 401, reason: 'no Authorization header' },
  malformed: { status: 401, reason: 'malformed token (not a Bearer JWT, or a header or claim of the wrong form)' },
  algorithm: { status: 401, reason: 'token algorithm is not RS256' },
  'unknown-key': { status: 401, reason: 'unknown signing key' },
  signature: { status: 401, reason: 'bad signature' },
  expired: { status: 401, reason: 'token expired' },
  'not-yet-valid': { status: 401, reason: 'token not yet valid (nbf or iat in the future)' },
  lifetime: { status: 401, reason: 'token lifetime too long' },
  issuer: { status: 401, reason: 'wrong issuer' },
  audience: { status: 401, reason: 'wrong audience' },
  email: { status: 403, reason: 'token email is missing or not in the allowed list' },
  'unverified-email': { status: 403, reason: 'token email is not verified' },
  'keys-unavailable': { status: 503, reason: 'the token signing keys could not be fetched' },
} as const satisfies Record<string, { status: 401 | 403 | 503; reason: string }>;

export type TokenFailure = keyof typeof TOKEN_FAILURES;

/** jose's error codes, and the claim a claim check names, to failures: typed, not message patterns. */
const BY_CODE: Record<string, TokenFailure> = {
  [errors.JOSEAlgNotAllowed.code]: 'algorithm',
  [errors.JWKSNoMatchingKey.code]: 'unknown-key',
  [errors.JWSSignatureVerificationFailed.code]: 'signature',
  [errors.JWTExpired.code]: 'expired',
};
const BY_CLAIM: Record<string, TokenFailure> = { iss: 'issuer', aud: 'audience', nbf: 'not-yet-valid', iat: 'not-yet-valid' };

/** Why jwtVerify refused a token. Anything unforeseen is a malformed token: the check fails closed. */
export function tokenFailureOf(error: unknown): TokenFailure {
  if (error instanceof SigningKeysUnavailable) return 'keys-unavailable';
  if (error instanceof MissingKeyId) return 'malformed';
  if (error instanceof errors.JWTClaimValidationFailed) {
    // A claim that is absent or of the wrong type is malformed; iss and aud say which check failed.
    if (error.reason !== 'check_failed' && error.claim !== 'iss' && error.claim !== 'aud') return 'malformed';
    return BY_CLAIM[error.claim] ?? 'malformed';
  }
  if (error instanceof errors.JOSEError) return BY_CODE[error.code] ?? 'malformed';
  return 'malformed';
}
