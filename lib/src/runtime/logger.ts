/**
 * Structured logs as Cloud Logging reads them from stdout: one JSON object per line, with
 * `severity`, `message` and the trace of the request that caused the entry.
 * https://cloud.google.com/logging/docs/structured-logging
 */
import { processState } from './process-state.js';

export type Severity = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

export interface LogEntry {
  severity: Severity;
  message: string;
  [field: string]: unknown;
}

export type LogWriter = (entry: LogEntry) => void;

const writeJsonLine: LogWriter = (entry) => {
  const line = JSON.stringify(entry) + '\n';
  (entry.severity === 'ERROR' || entry.severity === 'WARNING' ? process.stderr : process.stdout).write(line);
};

const output = () => processState('log-writer', () => ({ writer: writeJsonLine }));

/**
 * Replaces where log entries go, for the whole process (tests collect them; an app may route them
 * to its logger, e.g. from instrumentation.ts through registerDeferred({ logWriter })).
 */
export function setLogWriter(next: LogWriter | undefined): void {
  output().writer = next ?? writeJsonLine;
}

export function log(severity: Severity, message: string, fields: Record<string, unknown> = {}): void {
  output().writer({ severity, message, ...fields });
}

/**
 * The Cloud Logging trace field for a request, from `traceparent` (W3C) or
 * `X-Cloud-Trace-Context` (`TRACE_ID/SPAN_ID;o=1`). Without a project id the bare trace id is kept.
 */
export function traceFields(headers: Headers, project: string | undefined): Record<string, string> {
  const traceId = traceIdFrom(headers);
  if (!traceId) return {};
  return { 'logging.googleapis.com/trace': project ? `projects/${project}/traces/${traceId}` : traceId };
}

export function traceIdFrom(headers: Headers): string | undefined {
  const traceparent = headers.get('traceparent');
  const w3c = traceparent && /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent.trim());
  if (w3c) return w3c[1];
  const cloud = headers.get('x-cloud-trace-context');
  const google = cloud && /^([0-9a-fA-F]{32})(?:\/|$)/.exec(cloud.trim());
  return google ? google[1].toLowerCase() : undefined;
}

/** A one-line description of anything thrown, for log messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
