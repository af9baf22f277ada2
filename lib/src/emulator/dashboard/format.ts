/**
 * How the dashboard shows a task: its body decoded with the app's own envelope decoder (function
 * id and arguments, superjson types intact), or the raw bytes when it is not an envelope.
 */
import { createHash } from 'node:crypto';
import { decodeEnvelopeForDisplay, readReferenceEnvelope, type ReferenceEnvelope } from '../../contract/envelope.js';
import { readDeadLetterHeaders } from '../../contract/dead-letter-headers.js';
import { deadLetterReasonPrefix } from '../../contract/outcomes.js';
import type { RetryConfig } from '../model.js';

export interface DecodedBody {
  fn?: string;
  args: string;
  /** For a task whose envelope was offloaded (DEFERRED_PAYLOAD_BUCKET): where it is, and in what state. */
  payload?: string;
}

/** Reads an object of the emulator's Cloud Storage stand-in. */
export type ObjectPeek = (bucket: string, object: string) => Buffer | undefined;

/** Past this, an offloaded payload's arguments are not decoded on every refresh of the page. */
const MAX_DECODED_PAYLOAD = 8 * 1024 * 1024;

function offloadedBody(reference: ReferenceEnvelope, peek: ObjectPeek | undefined): DecodedBody {
  const { ref } = reference;
  const where = `gs://${ref.bucket}/${ref.object}`;
  const data = peek?.(ref.bucket, ref.object);
  const size = `${(ref.bytes / 1e6).toFixed(1)} MB`;
  if (!data) return { fn: reference.fn, args: '(in Cloud Storage)', payload: `${where} · ${size} · missing` };
  const intact = data.length === ref.bytes && createHash('sha256').update(data).digest('hex') === ref.sha256;
  if (!intact) return { fn: reference.fn, args: '(in Cloud Storage)', payload: `${where} · ${size} · does not match its reference` };
  if (data.length > MAX_DECODED_PAYLOAD) return { fn: reference.fn, args: '(in Cloud Storage)', payload: `${where} · ${size}` };
  try {
    const envelope = decodeEnvelopeForDisplay(data);
    return { fn: envelope.fn, args: truncate(envelope.args.map((arg) => formatValue(arg)).join(', ')), payload: `${where} · ${size}` };
  } catch {
    return { fn: reference.fn, args: '(in Cloud Storage)', payload: `${where} · ${size} · not an envelope` };
  }
}

const MAX_TEXT = 300;

export function truncate(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A readable one-line form of a value, keeping what superjson keeps (Date, Map, Set, BigInt, undefined). */
export function formatValue(value: unknown, depth = 0): string {
  if (depth > 4) return '…';
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  if (value instanceof Map)
    return `Map{${[...value].map(([k, v]) => `${formatValue(k, depth + 1)} => ${formatValue(v, depth + 1)}`).join(', ')}}`;
  if (value instanceof Set) return `Set{${[...value].map((v) => formatValue(v, depth + 1)).join(', ')}}`;
  if (Array.isArray(value)) return `[${value.map((v) => formatValue(v, depth + 1)).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    // An instance of a class the app registered shows its id (registerClass): `geo.Point {x: 1, y: 2}`.
    const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
    const className = proto && proto !== Object.prototype && proto.constructor?.name ? `${proto.constructor.name} ` : '';
    return `${className}{${Object.entries(value)
      .map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${formatValue(v, depth + 1)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** Why a task of a dead-letter queue died, from the headers the app's sink gave it: "unknown function: ...; 6 attempts: Error: ...". */
export function keptDeadReason(headers: Readonly<Record<string, string>>): string | undefined {
  const meta = readDeadLetterHeaders(headers);
  if (!meta) return undefined;
  const attempts = meta.attempts ? `${meta.attempts} attempt(s): ` : '';
  return `dead-lettered from ${meta.queue ?? 'its queue'}: ${deadLetterReasonPrefix(meta.reason) || `${meta.reason}; `}${attempts}${meta.error}`;
}

export function decodeTaskBody(base64: string | undefined, peek?: ObjectPeek): DecodedBody {
  if (!base64) return { args: '(no body)' };
  const bytes = Buffer.from(base64, 'base64');
  try {
    const reference = readReferenceEnvelope(bytes);
    if (reference) return offloadedBody(reference, peek);
    const envelope = decodeEnvelopeForDisplay(bytes);
    return { fn: envelope.fn, args: truncate(envelope.args.map((arg) => formatValue(arg)).join(', ')) };
  } catch {
    const text = bytes.toString('utf8');
    // Not an envelope (a task made by hand): show the bytes, as text when they are text.
    return {
      args: truncate(
        /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text) ? `${bytes.length} bytes: ${bytes.subarray(0, 64).toString('hex')}` : text,
      ),
    };
  }
}

export function formatRelative(ms: number, nowMs: number): string {
  const delta = Math.round((ms - nowMs) / 1000);
  const abs = Math.abs(delta);
  const text =
    abs < 1
      ? 'now'
      : abs < 90
        ? `${abs} s`
        : abs < 5400
          ? `${Math.round(abs / 60)} min`
          : abs < 129600
            ? `${Math.round(abs / 3600)} h`
            : `${Math.round(abs / 86400)} d`;
  if (text === 'now') return text;
  return delta > 0 ? `in ${text}` : `${text} ago`;
}

export function formatSeconds(seconds: number): string {
  if (seconds === 0) return '0';
  if (seconds < 60) return `${Number(seconds.toFixed(3))} s`;
  if (seconds < 3600) return `${Number((seconds / 60).toFixed(2))} min`;
  return `${Number((seconds / 3600).toFixed(2))} h`;
}

/** A task's own retry settings (Task.retry_config), the fields it sets: "3 attempts · 1 s → 10 s · 2 doublings". */
export function formatTaskRetry(retry: Partial<RetryConfig>): string {
  const parts: string[] = [];
  if (retry.maxAttempts !== undefined) parts.push(retry.maxAttempts === -1 ? 'unlimited attempts' : `${retry.maxAttempts} attempts`);
  if (retry.maxRetryDurationSeconds) parts.push(`for ≥ ${formatSeconds(retry.maxRetryDurationSeconds)}`);
  if (retry.minBackoffSeconds !== undefined || retry.maxBackoffSeconds !== undefined) {
    const side = (seconds: number | undefined) => (seconds === undefined ? 'queue' : formatSeconds(seconds));
    parts.push(`${side(retry.minBackoffSeconds)} → ${side(retry.maxBackoffSeconds)}`);
  }
  if (retry.maxDoublings !== undefined) parts.push(`${retry.maxDoublings} doublings`);
  return parts.join(' · ');
}
