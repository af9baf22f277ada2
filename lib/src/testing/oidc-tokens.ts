import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { GOOGLE_ISSUERS } from '../contract/issuers.js';

/** An RSA key that signs OIDC tokens the way Google signs Cloud Tasks' tokens (RS256). */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  /** SPKI PEM, as Google's `oauth2/v1/certs` serves certificates (google-auth-library accepts both). */
  publicKeyPem: string;
}

/** The claims of an ID token for a service account, as Cloud Tasks sends them. */
export interface IdTokenClaims {
  iss: string;
  aud: string;
  email: string;
  email_verified: boolean;
  sub: string;
  iat: number;
  exp: number;
  [claim: string]: unknown;
}

export function createSigningKey(kid: string = randomUUID()): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** A JWT from any header and payload, signed by `sign` (which may return nothing, as for `alg: none`). */
export function encodeJwt(header: object, payload: object, sign: (signingInput: string) => Buffer | string): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${input}.${base64url(sign(input))}`;
}

export function rs256(privateKey: KeyObject): (input: string) => Buffer {
  return (input) => createSign('RSA-SHA256').update(input).sign(privateKey);
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
  return encodeJwt({ alg: 'RS256', kid: key.kid, typ: 'JWT' }, payload, rs256(key.privateKey));
}

/** The body Google's `oauth2/v1/certs` serves: `{ kid: PEM }`. */
export function pemCerts(keys: readonly SigningKey[]): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key.kid, key.publicKeyPem]));
}
