import type { ApplyResult } from './apply.js';
import type { QueuePlan, QueuePlanItem } from './plan.js';
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

function summaryLine(plan: QueuePlan): string {
  const c = plan.counts;
  const pausing = plan.items.filter((i) => i.action === 'missing' && i.pause).length;
  return `${c.create} to create, ${c.update} to update, ${c.unchanged} unchanged, ${c.missing} not in ${plan.file}${pausing ? ` (${pausing} to pause)` : ''}.`;
}

function missingNote(item: Extract<QueuePlanItem, { action: 'missing' }>): string {
  if (item.pause) return `${item.live.state} -> PAUSED (--pause-missing)`;
  return item.live.state === 'RUNNING'
    ? 'RUNNING: left as is, never deleted (--pause-missing pauses it)'
    : `${item.live.state}: left as is`;
}

export function formatPlanText(plan: QueuePlan, target: string): string {
  const lines = [`Plan: ${plan.file} -> ${target}`];
  for (const item of plan.items) {
    switch (item.action) {
      case 'create':
        lines.push(`  + create     ${item.name}: ${describeSettings(item.desired)}`);
        break;
      case 'update':
        lines.push(`  ~ update     ${item.name}`);
        for (const c of item.changes) lines.push(`      ${c.field}: ${formatValue(c.from)} -> ${formatValue(c.to)}`);
        break;
      case 'unchanged':
        lines.push(`  = unchanged  ${item.name}`);
        break;
      case 'missing':
        lines.push(`  ! not in file ${item.name}: ${missingNote(item)}`);
        break;
    }
  }
  lines.push(plan.hasChanges ? `Plan: ${summaryLine(plan)}` : `No changes: live queues match ${plan.file}. ${summaryLine(plan)}`);
  return lines.join('\n');
}

export function formatPlanMarkdown(plan: QueuePlan, target: string): string {
  const rows = plan.items.map((item) => {
    switch (item.action) {
      case 'create':
        return `| \`${item.name}\` | create | ${describeSettings(item.desired)} |`;
      case 'update':
        return `| \`${item.name}\` | update | ${item.changes.map((c) => `\`${c.field}\`: ${formatValue(c.from)} → ${formatValue(c.to)}`).join('<br>')} |`;
      case 'unchanged':
        return `| \`${item.name}\` | unchanged | |`;
      case 'missing':
        return `| \`${item.name}\` | not in ${plan.file} | ${missingNote(item)} |`;
    }
  });
  return [
    `### Cloud Tasks queue plan: \`${plan.file}\` → \`${target}\``,
    '',
    '| queue | action | details |',
    '|---|---|---|',
    ...rows,
    '',
    `**${plan.hasChanges ? 'Changes' : 'No changes'}:** ${summaryLine(plan)}`,
    '',
  ].join('\n');
}

export function formatApplyText(result: ApplyResult, markdown = false): string {
  if (result.actions.length === 0) return markdown ? '**Applied:** no changes.' : 'Applied: no changes.';
  const lines = result.actions.map((a) => `${a.action} ${a.name}${a.changes ? ` (${a.changes.map((c) => c.field).join(', ')})` : ''}`);
  return markdown ? ['**Applied:**', '', ...lines.map((l) => `- ${l}`)].join('\n') : ['Applied:', ...lines.map((l) => `  ${l}`)].join('\n');
}
