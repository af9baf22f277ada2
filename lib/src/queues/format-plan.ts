import type { ApplyResult } from './apply.js';
import type { QueuePlan } from './plan.js';
import { renderApplyText, renderPlanMarkdown, renderPlanText, type PlanWording } from './render-plan.js';
import type { CloudTasksQueueSettings } from './types.js';

/** A value for display: 6 significant digits, so 2000/d reads 0.0231481, not 0.023148148148148147. */
export function formatValue(v: string | number): string {
  return typeof v === 'number' ? String(Number(v.toPrecision(6))) : v;
}

/** Human-readable renderings of a plan: plain text for terminals, Markdown for CI job summaries. */

export function describeSettings(s: CloudTasksQueueSettings): string {
  const r = s.retryConfig;
  const rate = s.state === 'PAUSED' ? 'paused (rate 0)' : `${formatValue(s.rateLimits.maxDispatchesPerSecond)}/s`;
  return [
    rate,
    `max concurrent ${s.rateLimits.maxConcurrentDispatches}`,
    `max attempts ${r.maxAttempts === -1 ? 'unlimited' : r.maxAttempts}`,
    `max retry duration ${r.maxRetryDurationSeconds === 0 ? 'unlimited' : `${r.maxRetryDurationSeconds}s`}`,
    `backoff ${r.minBackoffSeconds}s..${r.maxBackoffSeconds}s`,
    `max doublings ${r.maxDoublings}`,
  ].join(', ');
}

const QUEUE_WORDING: PlanWording<CloudTasksQueueSettings> = {
  noun: 'queue',
  plural: 'queues',
  title: 'Cloud Tasks queue plan',
  activeState: 'RUNNING',
  describe: describeSettings,
  value: formatValue,
};

export const formatPlanText = (plan: QueuePlan, target: string): string => renderPlanText(plan, target, QUEUE_WORDING);
export const formatPlanMarkdown = (plan: QueuePlan, target: string): string => renderPlanMarkdown(plan, target, QUEUE_WORDING);
export const formatApplyText = (result: ApplyResult, markdown = false): string => renderApplyText(result, markdown);
