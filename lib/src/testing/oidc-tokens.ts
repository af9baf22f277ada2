import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { signRs256IdToken, type IdTokenClaims } from '../contract/id-token.js';
import { GOOGLE_ISSUERS } from '../contract/issuers.js';

export { encodeJwt, rs256, type IdTokenClaims } from '../contract/id-token.js';

/** An RSA key that signs OIDC tokens the way Google signs Cloud Tasks' tokens (RS256). */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  /** SPKI PEM, as Google's `oauth2/v1/certs` serves certificates (google-auth-library accepts both). */
  publicKeyPem: string;
}

export function createSigningKey(kid: string = randomUUID()): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/**
 * Signs an ID token as Google would for a service account: `aud` and `email` given, the rest
 * defaulted (issuer https://accounts.google.com, verified email, valid for an hour from now).
 */
export function signIdToken(key: SigningKey, claims: Partial<IdTokenClaims> & Pick<IdTokenClaims, 'aud' | 'email'>): string {
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

/** The body Google's `oauth2/v1/certs` serves: `{ kid: PEM }`. */
export function pemCerts(keys: readonly SigningKey[]): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key.kid, key.publicKeyPem]));
}
