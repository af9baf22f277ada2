/**
 * The REST API's JSON resources (queue-resource.ts, task-resource.ts: one rendering of a queue
 * or task) in the form proto-loader serializes: Timestamps and Durations as { seconds, nanos },
 * bytes as Buffers. Requests go the other way: bytes to base64, so the service reads one form.
 */
import { durationObject, parseDuration, parseTimestamp, timestampObject } from '../../contract/proto-json.js';

type Json = Record<string, unknown>;

const timestamp = (value: unknown) => (typeof value === 'string' ? timestampObject(parseTimestamp(value, 'timestamp')) : value);
const duration = (value: unknown) => (typeof value === 'string' ? durationObject(parseDuration(value, 'duration')) : value);

function convert(object: Json, timestamps: string[], durations: string[]): Json {
  const out: Json = { ...object };
  for (const key of timestamps) if (out[key] !== undefined) out[key] = timestamp(out[key]);
  for (const key of durations) if (out[key] !== undefined) out[key] = duration(out[key]);
  return out;
}

const RETRY_DURATIONS = ['maxRetryDuration', 'minBackoff', 'maxBackoff'];

export function queueToGrpc(json: Json): Json {
  const out = convert(json, ['purgeTime'], []);
  if (out.retryConfig) out.retryConfig = convert(out.retryConfig as Json, [], RETRY_DURATIONS);
  // Not in the v2 protos @google-cloud/tasks 7 ships: a gRPC client cannot see it (REST and gcloud can).
  delete out.httpTarget;
  return out;
}

const attempt = (value: unknown) => (value ? convert(value as Json, ['scheduleTime', 'dispatchTime', 'responseTime'], []) : value);

export function taskToGrpc(json: Json): Json {
  const out = convert(json, ['scheduleTime', 'createTime'], ['dispatchDeadline']);
  out.firstAttempt = attempt(out.firstAttempt);
  out.lastAttempt = attempt(out.lastAttempt);
  if (out.retryConfig) out.retryConfig = convert(out.retryConfig as Json, [], RETRY_DURATIONS);
  const http = out.httpRequest as Json | undefined;
  if (http?.body !== undefined) out.httpRequest = { ...http, body: Buffer.from(String(http.body), 'base64') };
  return out;
}

/**
 * An operation (operation-resource.ts's JSON) for proto-loader: its metadata's timestamps and its
 * response's tasks converted; the `@type` of each Any stays, and protobufjs packs the message it
 * names (from the loaded protos) into the Any's bytes.
 */
export function operationToGrpc(json: Json): Json {
  const out: Json = { ...json, metadata: convert(json.metadata as Json, ['startTime', 'endTime'], []) };
  const response = json.response as Json | undefined;
  if (response?.tasks) out.response = { ...response, tasks: (response.tasks as Json[]).map(taskToGrpc) };
  return out;
}

/** A request's bytes (Buffers from proto-loader) as base64, what the service reads from REST. */
export function requestBytesToBase64(value: unknown): unknown {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(requestBytesToBase64);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, requestBytesToBase64(entry)]));
  }
  return value;
}
