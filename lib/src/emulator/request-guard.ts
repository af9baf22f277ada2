/**
 * The emulator has no authentication; binding to loopback keeps other machines out, but a web
 * page in the developer's own browser can still reach 127.0.0.1, and a task it creates is signed
 * and run by the app. What keeps such a page out, whatever its browser sends:
 * - when bound to loopback, the Host must be a loopback name, which defeats DNS rebinding
 *   (evil.example resolving to 127.0.0.1 makes Origin and Host agree, but not Host and loopback);
 * - a write (any method but GET and HEAD) is refused when the browser says it comes from
 *   elsewhere: an Origin other than the emulator's own, `Origin: null` (sandboxed iframes, data:
 *   URLs, pages with no-referrer, cross-site redirects all send it), or `Sec-Fetch-Site` other
 *   than same-origin (a page on another loopback port is "same-site": refused too);
 * - a write to the REST API (/v2/, /v2beta3/) must be `Content-Type: application/json`, which no HTML form and no
 *   "simple" fetch can send: a browser must ask first (a CORS preflight), and the emulator grants
 *   no CORS, so the write never leaves the browser;
 * - the dashboard's forms carry a token made at each start (dashboard/form-token.ts), and every
 *   response forbids framing (server.ts), so its buttons cannot be clickjacked.
 * Clients that are not browsers send neither Origin nor Sec-Fetch-Site (Node's fetch sends only
 * Sec-Fetch-Mode), and the Cloud Tasks clients send JSON: they are unaffected.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError, invalidArgument, permissionDenied } from './api-error.js';
import { API_PATH } from './rest-api.js';

const LOOPBACK_BINDS = new Set(['127.0.0.1', '::1', 'localhost']);
const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i;
/** Methods a browser may send without a preflight, which is all a cross-site page could make it send. */
const READ_METHODS = new Set(['GET', 'HEAD']);
/** Sec-Fetch-Site values of a request the emulator's own page made, or the user typed. */
const OWN_FETCH_SITES = new Set(['same-origin', 'none']);
const ALLOWED = "only the emulator's own dashboard and clients that are not browsers (the Cloud Tasks client, gcloud, curl, the CLI) may";

/** Whether binding to `host` keeps the emulator on loopback (the CLI warns when it does not). */
export function isLoopbackBind(host: string): boolean {
  return LOOPBACK_BINDS.has(host);
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value);

/** Why a browser's write from elsewhere is refused, or undefined if the request may be the emulator's own. */
function foreignWrite(req: IncomingMessage, host: string): string | undefined {
  const origin = single(req.headers.origin);
  if (origin !== undefined) {
    if (origin.trim().toLowerCase() === 'null') {
      const senders = 'sent by sandboxed frames, data: URLs, files and no-referrer pages';
      return `A request with "Origin: null" (${senders}) may not change the emulator's state: ${ALLOWED}`;
    }
    let originHost: string | undefined;
    try {
      const parsed = new URL(origin);
      originHost = parsed.protocol === 'http:' ? parsed.host : undefined;
    } catch {
      originHost = undefined;
    }
    if (originHost === undefined || originHost.toLowerCase() !== host.toLowerCase()) {
      return `A request from ${origin} may not change the emulator's state: ${ALLOWED}`;
    }
  }
  const site = single(req.headers['sec-fetch-site']);
  if (site !== undefined && !OWN_FETCH_SITES.has(site.trim().toLowerCase())) {
    const marked = `A request the browser marks "Sec-Fetch-Site: ${site}" (made by another page, even one on another localhost port)`;
    return `${marked} may not change the emulator's state: ${ALLOWED}`;
  }
  return undefined;
}

/** The media type of a Content-Type header, lower case, without parameters: `Application/JSON; charset=utf-8` -> `application/json`. */
export const mediaType = (value: string | undefined) => (value ?? '').split(';')[0].trim().toLowerCase();

/** Why the request is refused (in Google's error envelope), or undefined if it may go on. */
export function refuseRequest(req: IncomingMessage, boundHost: string, pathname: string): ApiError | undefined {
  const host = single(req.headers.host) ?? '';
  if (isLoopbackBind(boundHost) && !LOOPBACK_HOST.test(host)) {
    return permissionDenied(`Host "${host}" is not a loopback address; reach the emulator at 127.0.0.1 or localhost`);
  }
  const method = req.method ?? 'GET';
  if (READ_METHODS.has(method)) return undefined;
  const foreign = foreignWrite(req, host);
  if (foreign) return permissionDenied(foreign);
  if (API_PATH.test(pathname) && (method === 'POST' || method === 'PATCH' || method === 'PUT')) {
    const type = req.headers['content-type'];
    if (mediaType(type) !== 'application/json') {
      return invalidArgument(
        `${method} ${pathname} must be sent with "Content-Type: application/json", as the Cloud Tasks clients send it ` +
          `(curl: -H 'Content-Type: application/json'); got ${type === undefined ? 'none' : JSON.stringify(type)}. ` +
          'The emulator requires it so that no web page can write to it without a CORS preflight, which it never grants',
      );
    }
  }
  return undefined;
}
