/**
 * How a deploy plan reads, for both deployers (queue.yaml to Cloud Tasks, cron.yaml to Cloud
 * Scheduler): plain text for terminals, Markdown for CI job summaries. Each deployer says how it
 * names what it deploys and how it describes one; the layout is the same for both.
 */
import type { ApplyResult } from './apply.js';
import type { DeployPlan, DeployPlanItem } from './plan.js';
import type { ResourceKind } from './resource.js';

/** What the renderings read of a plan: any kind's plan fits. */
type Plan<Desired> = DeployPlan<DeployPlanItem<Desired, { state: string }>>;

/** How a kind names and describes what it deploys: its ResourceKind fits. */
export type PlanWording<Desired> = Pick<
  ResourceKind<Desired, never, string>,
  'noun' | 'plural' | 'title' | 'activeState' | 'describe' | 'formatValue'
>;

const cell = (text: string) => text.replace(/\|/g, '\\|');

function summaryLine(plan: Plan<unknown>): string {
  const c = plan.counts;
  const pausing = plan.items.filter((i) => i.action === 'missing' && i.pause).length;
  return `${c.create} to create, ${c.update} to update, ${c.unchanged} unchanged, ${c.missing} not in ${plan.file}${pausing ? ` (${pausing} to pause)` : ''}.`;
}

function missingNote(item: Extract<Plan<unknown>['items'][number], { action: 'missing' }>, activeState: string): string {
  if (item.pause) return `${item.live.state} -> PAUSED (--pause-missing)`;
  return item.live.state === activeState
    ? `${activeState}: left as is, never deleted (--pause-missing pauses it)`
    : `${item.live.state}: left as is`;
}

export function renderPlanText<Desired>(plan: Plan<Desired>, target: string, wording: PlanWording<Desired>): string {
  const value = wording.formatValue ?? String;
  const lines = [`Plan: ${plan.file} -> ${target}`];
  for (const item of plan.items) {
    if (item.action === 'create') lines.push(`  + create     ${item.name}: ${wording.describe(item.desired)}`);
    else if (item.action === 'update') {
      lines.push(`  ~ update     ${item.name}`);
      for (const c of item.changes) lines.push(`      ${c.field}: ${value(c.from)} -> ${value(c.to)}`);
    } else if (item.action === 'unchanged') lines.push(`  = unchanged  ${item.name}`);
    else lines.push(`  ! not in file ${item.name}: ${missingNote(item, wording.activeState)}`);
  }
  lines.push(
    plan.hasChanges ? `Plan: ${summaryLine(plan)}` : `No changes: live ${wording.plural} match ${plan.file}. ${summaryLine(plan)}`,
  );
  return lines.join('\n');
}

export function renderPlanMarkdown<Desired>(plan: Plan<Desired>, target: string, wording: PlanWording<Desired>): string {
  const value = wording.formatValue ?? String;
  const rows = plan.items.map((item) => {
    if (item.action === 'create') return `| \`${item.name}\` | create | ${cell(wording.describe(item.desired))} |`;
    if (item.action === 'update') {
      const changes = item.changes.map((c) => `\`${c.field}\`: ${cell(value(c.from))} → ${cell(value(c.to))}`);
      return `| \`${item.name}\` | update | ${changes.join('<br>')} |`;
    }
    if (item.action === 'unchanged') return `| \`${item.name}\` | unchanged | |`;
    return `| \`${item.name}\` | not in ${plan.file} | ${missingNote(item, wording.activeState)} |`;
  });
  return [
    `### ${wording.title}: \`${plan.file}\` → \`${target}\``,
    '',
    `| ${wording.noun} | action | details |`,
    '|---|---|---|',
    ...rows,
    '',
    `**${plan.hasChanges ? 'Changes' : 'No changes'}:** ${summaryLine(plan)}`,
    '',
  ].join('\n');
}

export function renderApplyText(result: ApplyResult, markdown = false): string {
  if (result.actions.length === 0) return markdown ? '**Applied:** no changes.' : 'Applied: no changes.';
  const lines = result.actions.map(
    (a) => `${a.action} ${a.name}${a.changes?.length ? ` (${a.changes.map((c) => c.field).join(', ')})` : ''}`,
  );
  return markdown ? ['**Applied:**', '', ...lines.map((l) => `- ${l}`)].join('\n') : ['Applied:', ...lines.map((l) => `  ${l}`)].join('\n');
}

export interface FormatOptions {
  /** Markdown (a table, for a CI job summary) instead of text for a terminal. @default false */
  markdown?: boolean;
}

/** A deploy's plan and, after apply, what was applied: what the deploy commands print. */
export function renderDeploy<Desired>(
  result: { plan: Plan<Desired>; applied?: ApplyResult },
  target: string,
  wording: PlanWording<Desired>,
  { markdown = false }: FormatOptions = {},
): string {
  const plan = markdown ? renderPlanMarkdown(result.plan, target, wording) : renderPlanText(result.plan, target, wording);
  return result.applied ? `${plan}\n${renderApplyText(result.applied, markdown)}` : plan;
}
