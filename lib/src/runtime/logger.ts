/**
 * Structured logs as Cloud Logging reads them from stdout: one JSON object per line, with
 * `severity`, `message` and the trace of the request that caused the entry.
 * https://cloud.google.com/logging/docs/structured-logging
 */
import { currentOptions } from './options-state.js';

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

/** Writes one entry where the options say (registerDeferred's `logWriter`), else as a JSON line. */
export function log(severity: Severity, message: string, fields: Record<string, unknown> = {}): void {
  (currentOptions().logWriter ?? writeJsonLine)({ severity, message, ...fields });
}

/** A one-line description of anything thrown, for log messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
