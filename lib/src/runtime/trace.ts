/**
 * Trace propagation: `defer()` puts the trace of the request that calls it on the task as a W3C
 * `traceparent` header (Cloud Tasks forwards custom headers as given), and the handler's log lines
 * carry that trace (traceFields), so in Cloud Logging a task shows under its request.
 *
 * The core knows no framework: the trace comes from `defer`'s `traceparent` option, or from the
 * `traceProvider` option, whose default the framework adapter gives (next/request-trace.ts reads
 * the incoming request's headers with `next/headers`).
 */
import { currentOptions } from './options-state.js';

/** Returns the current request's `traceparent`, or undefined outside a traced request. */
export type TraceProvider = () => string | undefined | Promise<string | undefined>;

export interface TraceOptions {
  /**
   * W3C `traceparent` to put on the task (`00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`);
   * `false` puts none. A malformed value is ignored.
   * @default the ambient provider's (the calling request's trace under Next.js)
   */
  traceparent?: string | false;
}

const W3C = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ALL_ZERO = /^0+$/;
// `TRACE_ID/SPAN_ID;o=FLAG`, span id in decimal (Google's older header).
const CLOUD_TRACE = /^([0-9a-fA-F]{32})(?:\/(\d{1,20}))?(?:;o=([01]))?$/;

/** The value if it is a valid W3C traceparent (version 00, non-zero ids), else undefined. */
export function validTraceparent(value: string | null | undefined): string | undefined {
  const match = value ? W3C.exec(value.trim().toLowerCase()) : null;
  if (!match || ALL_ZERO.test(match[1]) || ALL_ZERO.test(match[2])) return undefined;
  return match[0];
}

/** A `traceparent` from a request's headers: `traceparent` first, else `X-Cloud-Trace-Context` translated. */
export function traceparentFromHeaders(headers: Pick<Headers, 'get'>): string | undefined {
  const w3c = validTraceparent(headers.get('traceparent'));
  if (w3c) return w3c;
  const cloud = CLOUD_TRACE.exec(headers.get('x-cloud-trace-context')?.trim() ?? '');
  if (!cloud || ALL_ZERO.test(cloud[1])) return undefined;
  // The pattern allows only digits, so BigInt cannot throw. A span id is 64 bits and non-zero;
  // anything else is not one Google sent, and the trace id alone still links the logs.
  let span = cloud[2] ? BigInt(cloud[2]) : 1n;
  if (span === 0n || span >= 1n << 64n) span = 1n;
  return `00-${cloud[1].toLowerCase()}-${span.toString(16).padStart(16, '0')}-${cloud[3] === '0' ? '00' : '01'}`;
}

/**
 * The Cloud Logging trace field for a request's log entries, from the same headers (W3C
 * `traceparent`, else `X-Cloud-Trace-Context`). Without a project id the bare trace id is kept.
 */
export function traceFields(headers: Pick<Headers, 'get'>, project: string | undefined): Record<string, string> {
  const traceId = traceparentFromHeaders(headers)?.split('-')[1];
  if (!traceId) return {};
  return { 'logging.googleapis.com/trace': project ? `projects/${project}/traces/${traceId}` : traceId };
}

/**
 * The traceparent for a task: the option if given, else the provider's. A provider should return
 * undefined when it has no trace; what it throws propagates (a framework's control-flow signals,
 * like Next's dynamic-rendering bail-out, must reach the framework).
 */
export async function traceparentForTask(options: TraceOptions): Promise<string | undefined> {
  if (options.traceparent === false) return undefined;
  if (options.traceparent !== undefined) return validTraceparent(options.traceparent);
  const provider = currentOptions().traceProvider;
  return provider ? validTraceparent(await provider()) : undefined;
}
