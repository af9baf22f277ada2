import { decodeEnvelope } from '../contract/envelope.js';
import { comparePlan, type DeployPlan, type DeployPlanItem } from '../queues/compare-plan.js';
import type { CronJobTarget, SchedulerJobSettings, SourcePosition } from './types.js';

/** A job as Cloud Scheduler reports it. A job made another way (Pub/Sub, App Engine target) has no httpTarget. */
export interface LiveJob extends Omit<SchedulerJobSettings, 'httpTarget'> {
  state: 'ENABLED' | 'PAUSED' | 'DISABLED' | 'UPDATE_FAILED' | 'STATE_UNSPECIFIED';
  httpTarget?: SchedulerJobSettings['httpTarget'];
  /** Which target the live job has, for messages. */
  targetKind: 'http' | 'pubsub' | 'appEngineHttp' | 'none';
}

/** A field the deployer manages; the part before the dot is the updateMask path (camelCase, as REST wants it). */
export const MANAGED_JOB_FIELDS = [
  'state',
  'description',
  'schedule',
  'timeZone',
  'attemptDeadline',
  'retryConfig.retryCount',
  'retryConfig.maxRetryDuration',
  'retryConfig.minBackoffDuration',
  'retryConfig.maxBackoffDuration',
  'retryConfig.maxDoublings',
  'httpTarget.uri',
  'httpTarget.httpMethod',
  'httpTarget.headers',
  'httpTarget.body',
  'httpTarget.oidcToken',
] as const;
export type JobField = (typeof MANAGED_JOB_FIELDS)[number];

export interface JobFieldChange {
  field: JobField;
  from: string | number;
  to: string | number;
}

export type JobPlanItem = DeployPlanItem<SchedulerJobSettings, LiveJob, JobFieldChange>;

export interface JobPlanOptions {
  /** Pause live jobs that cron.yaml does not list. @default false (they are only reported) */
  pauseMissing?: boolean;
}

export type JobPlan = DeployPlan<JobPlanItem>;

/** Compares the file's jobs (mapped) with the live ones. Pure. */
export function planJobs(
  file: string,
  desired: { job: SchedulerJobSettings; position: SourcePosition }[],
  live: LiveJob[],
  options: JobPlanOptions = {},
): JobPlan {
  return comparePlan(file, {
    desired: desired.map(({ job, position }) => ({ name: job.name, desired: job, position })),
    live,
    diff: diffJob,
    activeState: 'ENABLED',
    pauseMissing: options.pauseMissing,
  });
}

const UTC_NAMES = new Set(['', 'utc', 'etc/utc', 'gmt', 'etc/gmt', 'etc/universal', 'universal', 'etc/zulu', 'zulu']);
const sameZone = (a: string, b: string) => a === b || (UTC_NAMES.has(a.toLowerCase()) && UTC_NAMES.has(b.toLowerCase()));
/** Headers Cloud Scheduler sets itself and may report back: not ours to compare. */
const OWN_HEADERS = /^(user-agent|content-length|x-cloudscheduler.*|x-google-.*|x-appengine-.*)$/i;

function headersText(headers: Record<string, string> | undefined): string {
  const entries = Object.entries(headers ?? {})
    .filter(([key]) => !OWN_HEADERS.test(key))
    .map(([key, value]) => `${key.toLowerCase()}: ${value}`)
    .sort();
  return entries.length ? entries.join('; ') : '(none)';
}

/** A cron.yaml job's target for display: `GET /path`, or the function and arguments it runs. */
export function describeCronTarget(target: CronJobTarget): string {
  return target.kind === 'url' ? `GET ${target.path}` : `${target.functionId}(${target.args.map((a) => JSON.stringify(a)).join(', ')})`;
}

/** A body for display: the function and arguments it runs, or its size. */
export function describeBody(body: string | undefined): string {
  if (!body) return '(none)';
  try {
    const envelope = decodeEnvelope(Buffer.from(body, 'base64'));
    return `${envelope.fn}(${envelope.args.map((a) => JSON.stringify(a)).join(', ')})`;
  } catch {
    return `${Buffer.from(body, 'base64').length} bytes`;
  }
}

const secs = (n: number) => `${Math.round(n * 1000) / 1000}s`;

/** Fields whose live value differs from the file's. */
export function diffJob(desired: SchedulerJobSettings, live: LiveJob): JobFieldChange[] {
  const changes: JobFieldChange[] = [];
  const cmp = (field: JobField, from: string | number, to: string | number) => {
    if (from !== to) changes.push({ field, from, to });
  };
  // Durations travel as seconds + nanos; a millisecond is plenty.
  const cmpDuration = (field: JobField, from: number, to: number) => {
    if (Math.abs(from - to) > 1e-3) changes.push({ field, from: secs(from), to: secs(to) });
  };
  if (live.state !== 'ENABLED') changes.push({ field: 'state', from: live.state, to: 'ENABLED' });
  cmp('description', live.description, desired.description);
  cmp('schedule', live.schedule.trim().split(/\s+/).join(' '), desired.schedule);
  if (!sameZone(live.timeZone, desired.timeZone))
    changes.push({ field: 'timeZone', from: live.timeZone || '(unset: UTC)', to: desired.timeZone });
  cmpDuration('attemptDeadline', live.attemptDeadlineSeconds, desired.attemptDeadlineSeconds);
  const [l, d] = [live.retryConfig, desired.retryConfig];
  cmp('retryConfig.retryCount', l.retryCount, d.retryCount);
  cmpDuration('retryConfig.maxRetryDuration', l.maxRetryDurationSeconds, d.maxRetryDurationSeconds);
  cmpDuration('retryConfig.minBackoffDuration', l.minBackoffSeconds, d.minBackoffSeconds);
  cmpDuration('retryConfig.maxBackoffDuration', l.maxBackoffSeconds, d.maxBackoffSeconds);
  cmp('retryConfig.maxDoublings', l.maxDoublings, d.maxDoublings);
  const lt = live.httpTarget;
  const dt = desired.httpTarget;
  if (!lt) {
    changes.push({ field: 'httpTarget.uri', from: `(a ${live.targetKind} target)`, to: dt.uri });
    return changes;
  }
  cmp('httpTarget.uri', lt.uri, dt.uri);
  cmp('httpTarget.httpMethod', lt.httpMethod, dt.httpMethod);
  cmp('httpTarget.headers', headersText(lt.headers), headersText(dt.headers));
  const [liveBody, desiredBody] = [describeBody(lt.body), describeBody(dt.body)];
  cmp('httpTarget.body', liveBody, desiredBody);
  if (lt.body !== dt.body && liveBody === desiredBody) changes.push({ field: 'httpTarget.body', from: 'other bytes', to: desiredBody });
  const token = (t: SchedulerJobSettings['httpTarget']['oidcToken'] | undefined) =>
    t ? `${t.serviceAccountEmail} for ${t.audience}` : '(no OIDC token)';
  cmp('httpTarget.oidcToken', token(lt.oidcToken), token(dt.oidcToken));
  return changes;
}

/** The updateMask for `changes`: top-level fields, whole (retryConfig and httpTarget are sent complete). */
export function updateMaskFor(changes: readonly JobFieldChange[]): string[] {
  return [...new Set(changes.filter((c) => c.field !== 'state').map((c) => c.field.split('.')[0]))];
}
