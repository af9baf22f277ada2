/**
 * OIDC ID tokens as Google signs them for Cloud Tasks (RS256 JWTs), signed with jose: the
 * emulator signs the tokens it attaches to dispatches with this, and the test kit signs tokens
 * for tests.
 */
import type { KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

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

/** An RS256 ID token with key id `kid`, its claims as given (none added, none checked). */
export function signRs256IdToken(claims: IdTokenClaims, kid: string, privateKey: KeyObject): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey);
}
