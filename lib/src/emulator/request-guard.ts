/**
 * The emulator has no authentication; binding to loopback keeps other machines out, but a web
 * page in the developer's own browser can still reach 127.0.0.1. Two checks keep it out:
 * - a cross-origin request (a browser always sends Origin on one) may not change anything;
 * - when bound to loopback, the Host must be a loopback name, which defeats DNS rebinding
 *   (evil.example resolving to 127.0.0.1 makes Origin and Host agree, but not Host and loopback).
 */
import type { IncomingMessage } from 'node:http';

const LOOPBACK_BINDS = new Set(['127.0.0.1', '::1', 'localhost']);
const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i;

/** Whether binding to `host` keeps the emulator on loopback (the CLI warns when it does not). */
export function isLoopbackBind(host: string): boolean {
  return LOOPBACK_BINDS.has(host);
}

/** Why the request is refused, or undefined if it may go on. */
export function refuseReason(req: IncomingMessage, boundHost: string): string | undefined {
  const host = req.headers.host ?? '';
  if (isLoopbackBind(boundHost) && !LOOPBACK_HOST.test(host)) {
    return `Host "${host}" is not a loopback address; reach the emulator at 127.0.0.1 or localhost`;
  }
  const origin = req.headers.origin;
  if (req.method !== 'GET' && req.method !== 'HEAD' && origin && origin !== 'null') {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    if (originHost !== host) return `A request from ${origin} may not change the emulator's state (only its own dashboard and non-browser clients may)`;
  }
  return undefined;
}
