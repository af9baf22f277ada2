/**
 * The emulator's stand-in for Google's token service: RS256 ID tokens signed (with jose) with its
 * own RSA key, and the public key served as Google serves it (JWKS, and the older PEM map). The
 * key lives in the SQLite file, so tokens stay verifiable across restarts (the app caches keys).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { signRs256IdToken, type IdTokenClaims } from '../contract/id-token.js';
import { EMULATOR_ISSUER } from '../contract/issuers.js';
import type { Store } from './store.js';

const KEY_META = 'oidc.privateKeyPem';
const TOKEN_LIFETIME_SECONDS = 3600;
/** Tokens are reused until this close to expiry: signing is ~1 ms, dispatch should not pay it each time. */
const REUSE_MARGIN_SECONDS = 600;

export class OidcSigner {
  readonly kid: string;
  private readonly publicKey: KeyObject;
  private readonly cache = new Map<string, { token: Promise<string>; exp: number }>();

  private constructor(private readonly privateKey: KeyObject) {
    this.publicKey = createPublicKey(privateKey);
    const spki = this.publicKey.export({ format: 'der', type: 'spki' });
    this.kid = createHash('sha256').update(spki).digest('hex').slice(0, 40);
  }

  /** Loads the key from the store, or makes one and keeps it there. */
  static load(store: Store): OidcSigner {
    let pem = store.getMeta(KEY_META);
    if (!pem) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      store.setMeta(KEY_META, pem);
    }
    return new OidcSigner(createPrivateKey(pem));
  }

  /**
   * A token for `email` with audience `audience`, as Cloud Tasks attaches to a dispatch. The
   * promise is cached, so dispatches that need the same token while it is being signed share it.
   */
  sign(audience: string, email: string, nowMs = Date.now()): Promise<string> {
    const now = Math.floor(nowMs / 1000);
    const key = `${audience}\n${email}`;
    const cached = this.cache.get(key);
    if (cached && cached.exp - now > REUSE_MARGIN_SECONDS) return cached.token;
    const claims: IdTokenClaims = {
      iss: EMULATOR_ISSUER,
      aud: audience,
      sub: email,
      email,
      email_verified: true,
      iat: now,
      exp: now + TOKEN_LIFETIME_SECONDS,
    };
    const token = signRs256IdToken(claims, this.kid, this.privateKey);
    this.cache.set(key, { token, exp: claims.exp });
    // A failed signature is not kept: the next dispatch signs again.
    token.catch(() => this.cache.get(key)?.token === token && this.cache.delete(key));
    return token;
  }

  /** `{ kid: PEM }`, the format of https://www.googleapis.com/oauth2/v1/certs. */
  pemCerts(): Record<string, string> {
    return { [this.kid]: this.publicKey.export({ format: 'pem', type: 'spki' }).toString() };
  }

  /** The format of https://www.googleapis.com/oauth2/v3/certs. */
  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: [{ ...this.publicKey.export({ format: 'jwk' }), kid: this.kid, alg: 'RS256', use: 'sig' }] };
  }
}

/**
 * What the emulator sends for an `oauthToken` (a queue's or a task's): it cannot mint Google
 * access tokens, so an opaque bearer token that names the account and says where it came from.
 * Only Google APIs accept OAuth tokens; an app's own route should expect OIDC.
 */
export function emulatorOAuthToken(serviceAccountEmail: string): string {
  return `emulator-oauth-token.${Buffer.from(serviceAccountEmail).toString('base64url')}`;
}
