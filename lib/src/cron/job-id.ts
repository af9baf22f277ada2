import { createHash } from 'node:crypto';
import type { CronJobTarget } from './types.js';

/** Lowercase letters, digits and single hyphens: "Daily summary (EU)" -> "daily-summary-eu". */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The Cloud Scheduler job id of an entry. App Engine's cron.yaml has no name: the description is
 * what people read and what `runCronJob('daily summary')` finds, so it is the identity. An entry
 * without one is named after its target and schedule (a short hash keeps two schedules of one
 * URL apart), which renames the job when either changes: a warning says so.
 */
export function jobIdFor(description: string, target: CronJobTarget, schedule: string): string {
  const fromDescription = slug(description);
  if (fromDescription) return fromDescription;
  const what = target.kind === 'url' ? target.path : target.functionId;
  const hash = createHash('sha256').update(`${what}\n${schedule}`).digest('hex').slice(0, 8);
  return `${slug(what).slice(0, 80) || 'job'}-${hash}`;
}
