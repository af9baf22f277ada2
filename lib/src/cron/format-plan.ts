import type { CronApplyResult } from './apply.js';
import { describeBody, type JobPlan, type JobPlanItem } from './plan.js';
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

function summaryLine(plan: JobPlan): string {
  const c = plan.counts;
  const pausing = plan.items.filter((i) => i.action === 'missing' && i.pause).length;
  return `${c.create} to create, ${c.update} to update, ${c.unchanged} unchanged, ${c.missing} not in ${plan.file}${pausing ? ` (${pausing} to pause)` : ''}.`;
}

function missingNote(item: Extract<JobPlanItem, { action: 'missing' }>): string {
  if (item.pause) return `${item.live.state} -> PAUSED (--pause-missing)`;
  return item.live.state === 'ENABLED'
    ? 'ENABLED: left as is, never deleted (--pause-missing pauses it)'
    : `${item.live.state}: left as is`;
}

export function formatCronPlanText(plan: JobPlan, target: string): string {
  const lines = [`Plan: ${plan.file} -> ${target}`];
  for (const item of plan.items) {
    if (item.action === 'create') lines.push(`  + create     ${item.name}: ${describeJob(item.desired)}`);
    else if (item.action === 'update') {
      lines.push(`  ~ update     ${item.name}`);
      for (const c of item.changes) lines.push(`      ${c.field}: ${c.from} -> ${c.to}`);
    } else if (item.action === 'unchanged') lines.push(`  = unchanged  ${item.name}`);
    else lines.push(`  ! not in file ${item.name}: ${missingNote(item)}`);
  }
  lines.push(plan.hasChanges ? `Plan: ${summaryLine(plan)}` : `No changes: live jobs match ${plan.file}. ${summaryLine(plan)}`);
  return lines.join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function formatCronPlanMarkdown(plan: JobPlan, target: string): string {
  const rows = plan.items.map((item) => {
    if (item.action === 'create') return `| \`${item.name}\` | create | ${cell(describeJob(item.desired))} |`;
    if (item.action === 'update')
      return `| \`${item.name}\` | update | ${item.changes.map((c) => `\`${c.field}\`: ${cell(String(c.from))} → ${cell(String(c.to))}`).join('<br>')} |`;
    if (item.action === 'unchanged') return `| \`${item.name}\` | unchanged | |`;
    return `| \`${item.name}\` | not in ${plan.file} | ${missingNote(item)} |`;
  });
  return [
    `### Cloud Scheduler job plan: \`${plan.file}\` → \`${target}\``,
    '',
    '| job | action | details |',
    '|---|---|---|',
    ...rows,
    '',
    `**${plan.hasChanges ? 'Changes' : 'No changes'}:** ${summaryLine(plan)}`,
    '',
  ].join('\n');
}

export function formatCronApplyText(result: CronApplyResult, markdown = false): string {
  if (result.actions.length === 0) return markdown ? '**Applied:** no changes.' : 'Applied: no changes.';
  const lines = result.actions.map(
    (a) => `${a.action} ${a.name}${a.changes?.length ? ` (${a.changes.map((c) => c.field).join(', ')})` : ''}`,
  );
  return markdown ? ['**Applied:**', '', ...lines.map((l) => `- ${l}`)].join('\n') : ['Applied:', ...lines.map((l) => `  ${l}`)].join('\n');
}
