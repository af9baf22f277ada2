import { shortId } from '../contract/names.js';
import { durationObject } from '../contract/proto-json.js';
import { durationSeconds, enumName, retryDurations, type DurationLike } from '../deploy/api-resource.js';
import type { LiveJob } from './job-resource.js';
import type { SchedulerJobSettings } from './types.js';

/**
 * Conversions between our job settings (seconds as numbers, short names, base64 bodies) and the
 * Job resource the client takes and returns (read in every form the clients give, bytes as
 * Buffers included: deploy/api-resource.ts).
 */

export interface JobResource {
  name?: string | null;
  description?: string | null;
  schedule?: string | null;
  timeZone?: string | null;
  state?: unknown;
  attemptDeadline?: DurationLike;
  retryConfig?: {
    retryCount?: number | null;
    maxRetryDuration?: DurationLike;
    minBackoffDuration?: DurationLike;
    maxBackoffDuration?: DurationLike;
    maxDoublings?: number | null;
  } | null;
  httpTarget?: {
    uri?: string | null;
    httpMethod?: unknown;
    headers?: Record<string, string> | null;
    body?: Uint8Array | string | null;
    oidcToken?: { serviceAccountEmail?: string | null; audience?: string | null } | null;
  } | null;
  pubsubTarget?: unknown;
  appEngineHttpTarget?: unknown;
}

const STATES = ['STATE_UNSPECIFIED', 'ENABLED', 'PAUSED', 'DISABLED', 'UPDATE_FAILED'] as const;
const METHODS = ['HTTP_METHOD_UNSPECIFIED', 'POST', 'GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

function base64Of(body: Uint8Array | string | null | undefined): string | undefined {
  if (body == null || body.length === 0) return undefined;
  return typeof body === 'string' ? body : Buffer.from(body).toString('base64');
}

/** A job as Cloud Scheduler returned it, in our terms. Unset numbers read as 0, as proto3 does. */
export function fromJobResource(job: JobResource): LiveJob {
  const r = job.retryConfig ?? {};
  const h = job.httpTarget;
  const body = base64Of(h?.body);
  const method = enumName(METHODS, h?.httpMethod);
  return {
    name: shortId(String(job.name ?? '')),
    description: job.description ?? '',
    schedule: job.schedule ?? '',
    timeZone: job.timeZone ?? '',
    state: enumName(STATES, job.state),
    attemptDeadlineSeconds: durationSeconds(job.attemptDeadline),
    retryConfig: {
      retryCount: r.retryCount ?? 0,
      ...retryDurations(r, { min: 'minBackoffDuration', max: 'maxBackoffDuration' }),
      maxDoublings: r.maxDoublings ?? 0,
    },
    targetKind: h ? 'http' : job.pubsubTarget ? 'pubsub' : job.appEngineHttpTarget ? 'appEngineHttp' : 'none',
    ...(h && {
      httpTarget: {
        uri: h.uri ?? '',
        // Cloud Scheduler's default method is POST.
        httpMethod: (method === 'HTTP_METHOD_UNSPECIFIED' ? 'POST' : method) as 'GET' | 'POST',
        headers: { ...(h.headers ?? {}) },
        ...(body !== undefined && { body }),
        oidcToken: { serviceAccountEmail: h.oidcToken?.serviceAccountEmail ?? '', audience: h.oidcToken?.audience ?? '' },
      },
    }),
  };
}

/** The Job resource to send; with `fields`, only those top-level fields (they must match the updateMask). */
export function toJobResource(job: SchedulerJobSettings, path: string, fields?: readonly string[]) {
  const want = (field: string) => !fields || fields.includes(field);
  const r = job.retryConfig;
  const h = job.httpTarget;
  return {
    name: path,
    ...(want('description') && { description: job.description }),
    ...(want('schedule') && { schedule: job.schedule }),
    ...(want('timeZone') && { timeZone: job.timeZone }),
    ...(want('attemptDeadline') && { attemptDeadline: durationObject(job.attemptDeadlineSeconds) }),
    ...(want('retryConfig') && {
      retryConfig: {
        retryCount: r.retryCount,
        maxRetryDuration: durationObject(r.maxRetryDurationSeconds),
        minBackoffDuration: durationObject(r.minBackoffSeconds),
        maxBackoffDuration: durationObject(r.maxBackoffSeconds),
        maxDoublings: r.maxDoublings,
      },
    }),
    ...(want('httpTarget') && {
      httpTarget: {
        uri: h.uri,
        httpMethod: h.httpMethod,
        headers: h.headers,
        // A Buffer: the REST client takes a string for a bytes field as base64 already encoded, a Buffer as bytes.
        ...(h.body !== undefined && { body: Buffer.from(h.body, 'base64') }),
        oidcToken: h.oidcToken,
      },
    }),
  };
}
