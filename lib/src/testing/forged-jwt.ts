/**
 * JWTs that no JOSE library will make, for tests of a verifier's refusals: `alg: none`, an HMAC
 * signature under an RS256 header, a header `kid` that is an object. Real tokens: signIdToken.
 */
import { createSign, type KeyObject } from 'node:crypto';

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
