/**
 * Runs cron.yaml's jobs on their schedules, as Cloud Scheduler does: at each scheduled time one
 * HTTP request to the app with Cloud Scheduler's headers and an OIDC token signed like task
 * dispatches; a failure is retried per the job's retry config (Cloud Scheduler's backoff); a run
 * still going when its next time comes makes that time skipped, never overlapped. State is in the
 * store, written before each step, so a restart resumes a pending retry.
 */
import { EventEmitter } from 'node:events';
import { DEAD_LETTERED } from '../contract/outcomes.js';
import type { RetryConfig } from '../contract/queue-settings.js';
import { backoffSeconds, shouldRetry } from '../contract/retry-policy.js';
import { writeSchedulerHeaders } from '../contract/scheduler-headers.js';
import { nextRun } from '../cron/next-runs.js';
import {
  closeAttemptTransport,
  createAttemptTransport,
  sendAttempt,
  type AttemptHandle,
  type AttemptResult,
  type AttemptTransport,
} from './attempt.js';
import type { CronJobRecord, CronRunResult } from './cron-jobs.js';
import type { OidcSigner } from './oidc-signer.js';
import type { Store } from './store.js';
import { TargetPolicy } from './target-policy.js';

export interface CronSchedulerEvents {
  /** An attempt was sent. */
  'cron:start': [{ job: CronJobRecord; scheduleTimeMs: number; attempt: number }];
  /** An attempt failed and will be retried at `retryAtMs`. */
  'cron:retry': [{ job: CronJobRecord; result: AttemptResult; retryAtMs: number }];
  /** A scheduled run is over: succeeded, or failed with no retry left. */
  'cron:done': [{ job: CronJobRecord; run: CronRunResult }];
}

const MAX_SLEEP_MS = 2 ** 31 - 1;

/**
 * A job's retry settings as Cloud Tasks' RetryConfig: Cloud Scheduler's rule is the same (retries
 * stop once retryCount retries are made AND maxRetryDuration has passed, 0 = no duration), with
 * retryCount + 1 attempts.
 */
function retryPolicy(job: CronJobRecord): RetryConfig {
  const r = job.job.retryConfig;
  return {
    maxAttempts: r.retryCount + 1,
    maxRetryDurationSeconds: r.maxRetryDurationSeconds,
    minBackoffSeconds: r.minBackoffSeconds,
    maxBackoffSeconds: r.maxBackoffSeconds,
    maxDoublings: r.maxDoublings,
  };
}

export class CronScheduler extends EventEmitter<CronSchedulerEvents> {
  private timer?: NodeJS.Timeout;
  private readonly attempts = new Map<string, AttemptHandle>();
  private readonly transport: AttemptTransport;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly signer: OidcSigner,
    private readonly log: ((line: string) => void) | undefined,
    /** The scheduler's clock; a test moves it to make a minute boundary near. @default Date.now */
    private readonly now: () => number = Date.now,
    /** Where jobs may be sent: the same policy as task dispatch. @default loopback only */
    targets: TargetPolicy = new TargetPolicy(),
  ) {
    super();
    this.transport = createAttemptTransport(targets);
  }

  list(): CronJobRecord[] {
    return this.store.listCronJobs<CronJobRecord>();
  }

  /** Schedules every job's next run from now (runs missed while stopped are not caught up, as with Cloud Scheduler). */
  start(): void {
    const nowMs = this.now();
    for (const job of this.list()) {
      job.nextRunMs = this.nextAfter(job, nowMs);
      // An attempt cut short by the last stop never reported back: try it again now (at least once, as Cloud Scheduler).
      if (job.pending && job.pending.retryAtMs === undefined) job.pending.retryAtMs = nowMs;
      this.store.putCronJob(job.id, job);
    }
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const attempt of this.attempts.values()) attempt.abort();
    closeAttemptTransport(this.transport);
  }

  /**
   * The dashboard's "run now": one run at the current time, unless one is under way. It carries no
   * schedule time, as it is no run of the schedule: a job with a filter runs too.
   */
  runNow(id: string): void {
    const job = this.store.getCronJob<CronJobRecord>(id);
    if (!job) throw new Error(`No cron job "${id}": it is not in cron.yaml (restart the emulator after editing the file)`);
    if (job.pending || this.attempts.has(id)) throw new Error(`Cron job "${id}" is running already: wait for its run to finish`);
    this.begin(job, this.now(), true);
  }

  /** Resolves with the next run of `id` that ends from now on. */
  waitForRun(id: string, timeoutMs = 30_000): Promise<CronRunResult> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('cron:done', listener);
        reject(new Error(`cron job ${id} did not finish a run within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = ({ job, run }: { job: CronJobRecord; run: CronRunResult }) => {
        if (job.id !== id) return;
        clearTimeout(timer);
        this.off('cron:done', listener);
        resolve(run);
      };
      this.on('cron:done', listener);
    });
  }

  /** The schedule's next run: the line's next run that its filter keeps, if it has one. */
  private nextAfter(job: CronJobRecord, afterMs: number): number | undefined {
    return nextRun({ cron: job.job.schedule, timeZone: job.job.timeZone, filter: job.filter }, new Date(afterMs))?.getTime();
  }

  /** One timer for all jobs: the earliest scheduled run or retry. */
  private arm(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    let wakeMs = Infinity;
    for (const job of this.list()) {
      if (this.attempts.has(job.id)) continue;
      const due = job.pending ? job.pending.retryAtMs : job.nextRunMs;
      if (due !== undefined) wakeMs = Math.min(wakeMs, due);
    }
    if (wakeMs === Infinity) return;
    this.timer = setTimeout(() => this.tick(), Math.min(Math.max(wakeMs - this.now(), 0), MAX_SLEEP_MS));
    this.timer.unref();
  }

  private tick(): void {
    const nowMs = this.now();
    for (const job of this.list()) {
      if (this.attempts.has(job.id)) continue;
      if (job.pending?.retryAtMs !== undefined && job.pending.retryAtMs <= nowMs) this.attempt(job);
      else if (!job.pending && job.nextRunMs !== undefined && job.nextRunMs <= nowMs) this.begin(job, job.nextRunMs);
    }
    this.arm();
  }

  private begin(job: CronJobRecord, scheduleTimeMs: number, forced = false): void {
    job.pending = { scheduleTimeMs, attempts: 0, firstAttemptMs: this.now(), ...(forced && { forced }) };
    this.attempt(job);
  }

  private attempt(job: CronJobRecord): void {
    const pending = job.pending!;
    pending.attempts += 1;
    delete pending.retryAtMs;
    // Written before the request goes out: a stop now resumes this run's retries at the next start.
    this.store.putCronJob(job.id, job);
    const target = job.job.httpTarget;
    const body = target.body ? Buffer.from(target.body, 'base64') : undefined;
    const headers = this.signer.sign(target.oidcToken.audience, target.oidcToken.serviceAccountEmail).then((token) => ({
      ...target.headers,
      ...writeSchedulerHeaders({ jobName: job.id, ...(!pending.forced && { scheduleTime: new Date(pending.scheduleTimeMs) }) }),
      Authorization: `Bearer ${token}`,
      'Content-Length': String(body?.length ?? 0),
    }));
    const handle = sendAttempt(
      { url: target.uri, httpMethod: target.httpMethod, dispatchDeadlineSeconds: job.job.attemptDeadlineSeconds },
      headers,
      body,
      this.transport,
    );
    this.attempts.set(job.id, handle);
    this.emit('cron:start', { job, scheduleTimeMs: pending.scheduleTimeMs, attempt: pending.attempts });
    void handle.done.then((result) => {
      this.attempts.delete(job.id);
      if (this.stopped) return;
      try {
        this.finish(job.id, result);
      } catch (error) {
        this.log?.(`could not record the run of cron job ${job.id}: ${(error as Error).message}`);
      }
      this.arm();
    });
  }

  private finish(id: string, result: AttemptResult): void {
    const job = this.store.getCronJob<CronJobRecord>(id);
    if (!job?.pending) return; // cron.yaml was reloaded without it
    const nowMs = this.now();
    const pending = job.pending;
    const ok = result.status !== undefined && result.status >= 200 && result.status < 300;
    const policy = retryPolicy(job);
    if (!ok && shouldRetry(policy, { attempts: pending.attempts, firstAttemptAt: pending.firstAttemptMs, now: nowMs })) {
      pending.retryAtMs = nowMs + Math.round(backoffSeconds(policy, pending.attempts) * 1000);
      this.store.putCronJob(id, job);
      this.log?.(
        `cron retry ${id}: attempt ${pending.attempts} got ${result.status ?? result.reason}; next at ${new Date(pending.retryAtMs).toISOString()}`,
      );
      this.emit('cron:retry', { job, result, retryAtMs: pending.retryAtMs });
      return;
    }
    const detail = result.outcome === DEAD_LETTERED ? `${result.outcome}: ${result.detail}` : (result.outcome ?? result.detail);
    const run: CronRunResult = {
      scheduleTimeMs: pending.scheduleTimeMs,
      finishedMs: nowMs,
      attempts: pending.attempts,
      ok,
      status: result.status,
      detail: detail.slice(0, 300),
    };
    delete job.pending;
    job.last = run;
    // Times that passed during the run (and its retries) are skipped, not run late.
    job.nextRunMs = this.nextAfter(job, Math.max(nowMs, pending.scheduleTimeMs));
    this.store.putCronJob(id, job);
    this.log?.(
      `cron ${ok ? 'ok' : 'failed'} ${id}: ${result.status !== undefined ? `HTTP ${result.status}` : result.reason} after ${run.attempts} attempt(s)`,
    );
    this.emit('cron:done', { job, run });
  }
}
