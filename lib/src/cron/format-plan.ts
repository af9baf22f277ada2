import type { CronApplyResult } from './apply.js';
import { renderApplyText, renderPlanMarkdown, renderPlanText, type PlanWording } from '../queues/render-plan.js';
import { describeBody, type JobPlan } from './plan.js';
import type { SchedulerJobSettings } from './types.js';

/** Human-readable renderings of a cron plan: plain text for terminals, Markdown for CI job summaries. */

export function describeJob(job: SchedulerJobSettings): string {
  const r = job.retryConfig;
  const target =
    job.httpTarget.httpMethod === 'POST' && job.httpTarget.body
      ? `${describeBody(job.httpTarget.body)} at ${job.httpTarget.uri}`
      : `${job.httpTarget.httpMethod} ${job.httpTarget.uri}`;
  return [
    `"${job.schedule}" ${job.timeZone}`,
    target,
    `retries ${r.retryCount}${r.maxRetryDurationSeconds ? ` for ${r.maxRetryDurationSeconds}s` : ''}`,
    `backoff ${r.minBackoffSeconds}s..${r.maxBackoffSeconds}s`,
    `max doublings ${r.maxDoublings}`,
    `deadline ${job.attemptDeadlineSeconds}s`,
  ].join(', ');
}

const JOB_WORDING: PlanWording<SchedulerJobSettings> = {
  noun: 'job',
  plural: 'jobs',
  title: 'Cloud Scheduler job plan',
  activeState: 'ENABLED',
  describe: describeJob,
};

export const formatCronPlanText = (plan: JobPlan, target: string): string => renderPlanText(plan, target, JOB_WORDING);
export const formatCronPlanMarkdown = (plan: JobPlan, target: string): string => renderPlanMarkdown(plan, target, JOB_WORDING);
export const formatCronApplyText = (result: CronApplyResult, markdown = false): string => renderApplyText(result, markdown);
