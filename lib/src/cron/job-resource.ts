/**
 * A Cloud Scheduler job as the deploy core sees it (deploy/resource.ts): which fields a deploy
 * manages, how a live job differs from cron.yaml's, and how one reads in a plan.
 */
import { CRON_FILTER_HEADER, decodeCronFilter, describeCronFilter } from '../contract/cron-filter.js';
import { decodeEnvelope } from '../contract/envelope.js';
import { FieldChanges, type FieldChange, type ResourceKind } from '../deploy/resource.js';
import type { CronJobTarget, SchedulerJobSettings } from './types.js';

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

type JobFieldChange = FieldChange<JobField>;

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
function describeBody(body: string | undefined): string {
  if (!body) return '(none)';
  try {
    const envelope = decodeEnvelope(Buffer.from(body, 'base64'));
    return `${envelope.fn}(${envelope.args.map((a) => JSON.stringify(a)).join(', ')})`;
  } catch {
    return `${Buffer.from(body, 'base64').length} bytes`;
  }
}

/** Fields whose live value differs from the file's. */
function diffJob(desired: SchedulerJobSettings, live: LiveJob): JobFieldChange[] {
  const diff = new FieldChanges<JobField>();
  // A job cron.yaml lists runs: a paused one is resumed.
  diff.text('state', live.state, 'ENABLED');
  diff.text('description', live.description, desired.description);
  diff.text('schedule', live.schedule.trim().split(/\s+/).join(' '), desired.schedule);
  if (!sameZone(live.timeZone, desired.timeZone)) diff.add('timeZone', live.timeZone || '(unset: UTC)', desired.timeZone);
  diff.duration('attemptDeadline', live.attemptDeadlineSeconds, desired.attemptDeadlineSeconds);
  const [l, d] = [live.retryConfig, desired.retryConfig];
  diff.number('retryConfig.retryCount', l.retryCount, d.retryCount);
  diff.duration('retryConfig.maxRetryDuration', l.maxRetryDurationSeconds, d.maxRetryDurationSeconds);
  diff.duration('retryConfig.minBackoffDuration', l.minBackoffSeconds, d.minBackoffSeconds);
  diff.duration('retryConfig.maxBackoffDuration', l.maxBackoffSeconds, d.maxBackoffSeconds);
  diff.number('retryConfig.maxDoublings', l.maxDoublings, d.maxDoublings);
  const [lt, dt] = [live.httpTarget, desired.httpTarget];
  if (!lt) {
    diff.add('httpTarget.uri', `(a ${live.targetKind} target)`, dt.uri);
    return diff.changes;
  }
  diff.text('httpTarget.uri', lt.uri, dt.uri);
  diff.text('httpTarget.httpMethod', lt.httpMethod, dt.httpMethod);
  diff.text('httpTarget.headers', headersText(lt.headers), headersText(dt.headers));
  const [liveBody, desiredBody] = [describeBody(lt.body), describeBody(dt.body)];
  diff.text('httpTarget.body', liveBody, desiredBody);
  if (lt.body !== dt.body && liveBody === desiredBody) diff.add('httpTarget.body', 'other bytes', desiredBody);
  const token = (t: SchedulerJobSettings['httpTarget']['oidcToken'] | undefined) =>
    t ? `${t.serviceAccountEmail} for ${t.audience}` : '(no OIDC token)';
  diff.text('httpTarget.oidcToken', token(lt.oidcToken), token(dt.oidcToken));
  return diff.changes;
}

/** One line of what a job does and when: a plan's `create`. */
function describeJob(job: SchedulerJobSettings): string {
  const r = job.retryConfig;
  const target =
    job.httpTarget.httpMethod === 'POST' && job.httpTarget.body
      ? `${describeBody(job.httpTarget.body)} at ${job.httpTarget.uri}`
      : `${job.httpTarget.httpMethod} ${job.httpTarget.uri}`;
  const filter = job.httpTarget.headers[CRON_FILTER_HEADER];
  return [
    `"${job.schedule}" ${job.timeZone}${filter ? ` (filter: ${describeCronFilter(decodeCronFilter(filter))})` : ''}`,
    target,
    `retries ${r.retryCount}${r.maxRetryDurationSeconds ? ` for ${r.maxRetryDurationSeconds}s` : ''}`,
    `backoff ${r.minBackoffSeconds}s..${r.maxBackoffSeconds}s`,
    `max doublings ${r.maxDoublings}`,
    `deadline ${job.attemptDeadlineSeconds}s`,
  ].join(', ');
}

export const JOB_RESOURCE: ResourceKind<SchedulerJobSettings, LiveJob, JobField> = {
  noun: 'job',
  plural: 'jobs',
  title: 'Cloud Scheduler job plan',
  activeState: 'ENABLED',
  diff: diffJob,
  // Top-level paths, whole: retryConfig and httpTarget are sent complete.
  updateMask: (changes) => [...new Set(changes.filter((c) => c.field !== 'state').map((c) => c.field.split('.')[0]))],
  // cron.yaml has no paused jobs: a job it lists runs (a paused one is resumed).
  isPaused: () => false,
  describe: describeJob,
};
