import { createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { signRs256IdToken, type IdTokenClaims } from '../contract/id-token.js';
import { GOOGLE_ISSUERS } from '../contract/issuers.js';

export type { IdTokenClaims } from '../contract/id-token.js';
export { encodeJwt, rs256 } from './forged-jwt.js';

/** An RSA key that signs OIDC tokens the way Google signs Cloud Tasks' tokens (RS256). */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  /** SPKI PEM of the public key (for google-auth-library, or to forge an HMAC signature with it). */
  publicKeyPem: string;
}

export function createSigningKey(kid: string = randomUUID()): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/**
 * Signs an ID token (with jose) as Google would for a service account: `aud` and `email` given,
 * the rest defaulted (issuer https://accounts.google.com, verified email, valid for an hour from now).
 */
export function signIdToken(key: SigningKey, claims: Partial<IdTokenClaims> & Pick<IdTokenClaims, 'aud' | 'email'>): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: IdTokenClaims = {
    iss: GOOGLE_ISSUERS[0],
    email_verified: true,
    sub: '100000000000000000000',
    iat: now,
    exp: now + 3600,
    ...claims,
  };
  // Explicitly undefined claims are left out, so tests can make tokens without one.
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  return signRs256IdToken(payload, key.kid, key.privateKey);
}

/** The JWK set Google's `oauth2/v3/certs` serves, for `keys`: what the handler verifies tokens with. */
export function jwks(keys: readonly SigningKey[]): { keys: Record<string, unknown>[] } {
  return {
    keys: keys.map((key) => ({ ...createPublicKey(key.privateKey).export({ format: 'jwk' }), kid: key.kid, alg: 'RS256', use: 'sig' })),
  };
}
