/**
 * The dashboard's forms carry a token made at each start of the emulator and checked on every
 * POST: a page elsewhere cannot read the dashboard (no CORS), so it cannot know the token, and a
 * form it submits is refused even by a browser that sent no Origin and no Sec-Fetch-Site.
 * A restart makes a new token: a tab left open from before must be reloaded (the error says so).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** The form field that carries it. */
export const FORM_TOKEN_FIELD = 'token';

export class FormToken {
  readonly value = randomBytes(32).toString('base64url');
  private readonly bytes = Buffer.from(this.value);

  matches(candidate: string | null): boolean {
    if (candidate === null) return false;
    const given = Buffer.from(candidate);
    return given.length === this.bytes.length && timingSafeEqual(given, this.bytes);
  }
}
