import { describe, type ProblemCollector } from '../deploy/problems.js';
import { parseAgeLimit } from '../deploy/units.js';
import type { EntryFields } from '../deploy/yaml-entries.js';
import { SCHEDULER_DEFAULTS, SCHEDULER_LIMITS } from './defaults.js';
import { jobIdFor } from './job-id.js';
import { isKnownTimeZone } from './next-runs.js';
import { ScheduleError, translateSchedule } from './schedule.js';
import type { CronJobDefinition } from './types.js';
import { validateTarget } from './validate-target.js';
import { validateCronRetry } from './validate-retry.js';

/** App Engine's keys, then our extensions (`function`, `args`, `attempt_deadline`). */
export const CRON_KEYS = [
  'description',
  'url',
  'schedule',
  'timezone',
  'target',
  'retry_parameters',
  'function',
  'args',
  'attempt_deadline',
] as const;
export type CronKey = (typeof CRON_KEYS)[number];

/**
 * Validates one entry of the `cron:` list with App Engine's rules (croninfo.py's CronEntry), plus
 * our extensions. Reports every problem and returns the job only when the entry is usable.
 */
export function validateCronEntry(entry: EntryFields<CronKey>, problems: ProblemCollector): CronJobDefinition | undefined {
  const { node, has, value: valueNode, at, text } = entry;

  const description = text('description') ?? '';
  if (description.length > SCHEDULER_LIMITS.maxDescriptionLength) {
    problems.error(
      at('description'),
      'description',
      `description is ${description.length} characters long; App Engine allows at most ${SCHEDULER_LIMITS.maxDescriptionLength}`,
    );
  }
  const target = validateTarget(entry, problems);
  const label = description || (target?.kind === 'url' ? target.path : target?.kind === 'function' ? target.functionId : '(unnamed)');

  const scheduleText = text('schedule');
  let translated;
  if (scheduleText === undefined || scheduleText.trim() === '') {
    problems.error(
      at('schedule'),
      'schedule',
      `Missing required value "schedule" for cron job "${label}": write e.g. "schedule: every day 09:00" or a unix-cron line like "0 9 * * *"`,
    );
  } else {
    try {
      translated = translateSchedule(scheduleText);
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      problems.error(at('schedule'), 'schedule', error.message);
    }
  }

  const timeZone = text('timezone') ?? SCHEDULER_DEFAULTS.timeZone;
  if (has('timezone') && !isKnownTimeZone(timeZone)) {
    problems.error(
      at('timezone'),
      'timezone',
      `timezone "${timeZone}" is unknown: use a tz database name like America/Los_Angeles, Europe/Paris or UTC`,
    );
  }

  const service = text('target');
  if (has('target') && (service === undefined || !SCHEDULER_LIMITS.targetPattern.test(service))) {
    problems.error(
      at('target'),
      'target',
      `Value ${describe(service ?? '')} for target does not match expression "[service:]version" (lowercase letters, digits and hyphens)`,
    );
  }

  let attemptDeadlineSeconds: number | undefined;
  if (has('attempt_deadline')) {
    const raw = text('attempt_deadline') ?? '';
    const seconds = parseAgeLimit(raw);
    const { minAttemptDeadlineSeconds: min, maxAttemptDeadlineSeconds: max } = SCHEDULER_LIMITS;
    if (seconds === undefined || seconds < min || seconds > max) {
      problems.error(
        at('attempt_deadline'),
        'attempt_deadline',
        `attempt_deadline must be from 15s to 30m (Cloud Scheduler's limits for HTTP targets), got ${describe(raw)}`,
      );
    } else attemptDeadlineSeconds = seconds;
  }

  const retryParameters = has('retry_parameters') ? validateCronRetry(valueNode('retry_parameters'), label, problems) : undefined;

  if (!target || !translated || entry.hasErrors()) return undefined;
  const schedule = scheduleText!.trim();
  return {
    id: jobIdFor(description, target, schedule),
    description,
    target,
    schedule,
    cron: translated.cron,
    scheduleFormat: translated.format,
    timeZone,
    ...(translated.filter && { filter: { timeZone, ...translated.filter } }),
    ...(service !== undefined && { service }),
    ...(retryParameters && Object.keys(retryParameters).length > 0 && { retryParameters }),
    ...(attemptDeadlineSeconds !== undefined && { attemptDeadlineSeconds }),
    position: problems.at(node),
  };
}
