/**
 * cron.yaml in the jest stub: the jobs as a test sees them, one run of a `function:` job through
 * the handler's own pipeline (decode, lookup, task context with `cronJob`, status contract), and
 * which jobs fire between two times on the stub's virtual clock (the emulator's reckoning: the
 * line's runs that the job's filter keeps).
 */
import { encodeEnvelope } from '../contract/envelope.js';
import { DEFERRED_PATH } from '../cron/map.js';
import { runsBetween } from '../cron/next-runs.js';
import { loadCronYaml, loadProjectCronYaml, parseCronYaml } from '../cron/parse.js';
import type { CronFile, CronJobDefinition, CronJobTarget } from '../cron/types.js';
import type { CronFilter } from '../contract/cron-filter.js';
import type { DeadLetterEntry } from '../runtime/dead-letter-sink.js';
import { executeTask, type TaskResult } from '../handle/execute-task.js';
import type { Manifest } from '../runtime/registry.js';

/** Where the stub's cron jobs come from: a parsed file, cron.yaml text, or a cron.yaml file. */
export type StubCron = CronFile | { yaml: string; file?: string } | { path: string };

/** A cron job as a test sees it. */
export interface StubCronJob {
  /** The Cloud Scheduler job id (`daily-summary`). */
  id: string;
  /** As written (`daily summary`); '' when the entry has none. */
  description: string;
  /** As written (`every day 09:00`). */
  schedule: string;
  /** The unix-cron line Cloud Scheduler runs (`0 9 * * *`). */
  cron: string;
  timeZone: string;
  /** When `cron` fires more often than `schedule`: which of its runs are the schedule's (the only ones the stub lists). */
  filter?: CronFilter;
  target: CronJobTarget;
  /** App Engine `target` service, when the entry names one. */
  service?: string;
}

/** One time a job fires. */
export interface CronFiring {
  job: StubCronJob;
  at: Date;
}

/** One run made by `runCronJob`: the handler's result, for which job and schedule time. */
export interface CronJobRunResult extends TaskResult {
  job: StubCronJob;
  scheduleTime: Date;
}

export function resolveCron(cron: StubCron | undefined): CronFile {
  if (cron === undefined) return loadProjectCronYaml();
  if ('yaml' in cron) return parseCronYaml(cron.yaml, cron.file ?? 'cron.yaml (test)');
  if ('path' in cron) return loadCronYaml(cron.path);
  return cron;
}

export function toStubCronJob(def: CronJobDefinition): StubCronJob {
  const target: CronJobTarget = def.target.kind === 'url' ? { ...def.target } : { ...def.target, args: structuredClone(def.target.args) };
  return {
    id: def.id,
    description: def.description,
    schedule: def.schedule,
    cron: def.cron,
    timeZone: def.timeZone,
    ...(def.filter && { filter: { ...def.filter } }),
    target,
    ...(def.service !== undefined && { service: def.service }),
  };
}

/** The job a test names: its description (any case) or its id. */
export function findCronJob(file: CronFile, name: string): CronJobDefinition {
  const wanted = String(name).trim().toLowerCase();
  const job = file.jobs.find((j) => j.description.toLowerCase() === wanted || j.id === wanted);
  if (!job) {
    const known = file.jobs.map((j) => (j.description ? `"${j.description}"` : j.id)).join(', ') || '(none)';
    throw new Error(`no cron job "${name}" in ${file.file}; its jobs: ${known}`);
  }
  return job;
}

/**
 * Runs a `function:` job once, as Cloud Scheduler's request would reach the task handler: the
 * envelope cron deploys, no X-CloudTasks headers, the job's name and schedule time in the task
 * context. A failure is not dead-lettered (Cloud Scheduler tells no attempt count), a
 * PermanentTaskFailure is, as in production. Never throws for the function's errors: read `status`.
 */
export async function runCronJobOnce(
  file: CronFile,
  name: string,
  settings: { manifest: Manifest; scheduleTime: Date; onDeadLetter: (entry: DeadLetterEntry) => void },
): Promise<CronJobRunResult> {
  const def = findCronJob(file, name);
  if (def.target.kind !== 'function') {
    throw new Error(
      `cron job "${name}" calls ${def.target.path} (a url job): the stub runs function jobs; test your route by calling it with cronRequest(job, { signingKey })`,
    );
  }
  const result = await executeTask(
    {
      body: encodeEnvelope(def.target.functionId, structuredClone(def.target.args), { enqueuedAt: 0 }),
      headers: { retryCount: 0, executionCount: 0 },
      url: `${DEFERRED_PATH}/${def.target.functionId}`,
      scheduler: { jobName: def.id, scheduleTime: settings.scheduleTime },
    },
    { manifest: settings.manifest, isLastAttempt: () => false, deadLetter: settings.onDeadLetter },
  );
  return { ...result, job: toStubCronJob(def), scheduleTime: settings.scheduleTime };
}

/** Every time a job fires in (from, to] by its schedule (the line's runs its filter keeps), earliest first (jobs in file order at equal times). */
export function cronFiringsBetween(file: CronFile, from: Date, to: Date): CronFiring[] {
  if (!(to.getTime() >= from.getTime()))
    throw new RangeError(`cronRunsBetween(from, to): ${to.toISOString()} is before ${from.toISOString()}`);
  const firings = file.jobs.flatMap((def, index) => runsBetween(def, from, to).map((at) => ({ index, at, def })));
  firings.sort((a, b) => a.at.getTime() - b.at.getTime() || a.index - b.index);
  return firings.map(({ def, at }) => ({ job: toStubCronJob(def), at }));
}
