/**
 * OIDC ID tokens as Google signs them for Cloud Tasks (RS256 JWTs): the emulator signs the
 * tokens it attaches to dispatches with this, and the test kit signs tokens for tests.
 */
import { createSign, type KeyObject } from 'node:crypto';

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

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** A JWT from any header and payload, signed by `sign` (which may return nothing, as for `alg: none`). */
export function encodeJwt(header: object, payload: object, sign: (signingInput: string) => Buffer | string): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${input}.${base64url(sign(input))}`;
}

/** RS256 with `privateKey`, as a signer for encodeJwt. */
export function rs256(privateKey: KeyObject): (input: string) => Buffer {
  return (input) => createSign('RSA-SHA256').update(input).sign(privateKey);
}

/** An RS256 ID token with key id `kid`. */
export function signRs256IdToken(claims: IdTokenClaims, kid: string, privateKey: KeyObject): string {
  return encodeJwt({ alg: 'RS256', kid, typ: 'JWT' }, claims, rs256(privateKey));
}
