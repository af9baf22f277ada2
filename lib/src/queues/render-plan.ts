/**
 * How a deploy plan reads, for both deployers (queue.yaml to Cloud Tasks, cron.yaml to Cloud
 * Scheduler): plain text for terminals, Markdown for CI job summaries. Each deployer says how it
 * names what it deploys and how it describes one; the layout is the same for both.
 */

/** A plan's item, whatever is deployed. */
export type PlanItem<Desired> =
  | { action: 'create'; name: string; desired: Desired }
  | { action: 'update'; name: string; changes: readonly { field: string; from: string | number; to: string | number }[] }
  | { action: 'unchanged'; name: string }
  | { action: 'missing'; name: string; live: { state: string }; pause: boolean };

export interface Plan<Desired> {
  file: string;
  items: readonly PlanItem<Desired>[];
  hasChanges: boolean;
  counts: Record<PlanItem<Desired>['action'], number>;
}

export interface PlanWording<Desired> {
  /** What one item is, and many: 'queue' / 'queues'. */
  noun: string;
  plural: string;
  /** The Markdown heading, e.g. 'Cloud Tasks queue plan'. */
  title: string;
  /** The live state of an item that runs (RUNNING, ENABLED): a missing one in it is left running. */
  activeState: string;
  describe: (desired: Desired) => string;
  /** A changed field's value for display. @default String */
  value?: (value: string | number) => string;
}

/** What was applied, item by item. */
export interface AppliedItems {
  actions: readonly { name: string; action: string; changes?: readonly { field: string }[] }[];
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

function summaryLine(plan: Plan<unknown>): string {
  const c = plan.counts;
  const pausing = plan.items.filter((i) => i.action === 'missing' && i.pause).length;
  return `${c.create} to create, ${c.update} to update, ${c.unchanged} unchanged, ${c.missing} not in ${plan.file}${pausing ? ` (${pausing} to pause)` : ''}.`;
}

function missingNote(item: Extract<PlanItem<unknown>, { action: 'missing' }>, activeState: string): string {
  if (item.pause) return `${item.live.state} -> PAUSED (--pause-missing)`;
  return item.live.state === activeState
    ? `${activeState}: left as is, never deleted (--pause-missing pauses it)`
    : `${item.live.state}: left as is`;
}

export function renderPlanText<Desired>(plan: Plan<Desired>, target: string, wording: PlanWording<Desired>): string {
  const value = wording.value ?? String;
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
  const value = wording.value ?? String;
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

export function renderApplyText(result: AppliedItems, markdown = false): string {
  if (result.actions.length === 0) return markdown ? '**Applied:** no changes.' : 'Applied: no changes.';
  const lines = result.actions.map(
    (a) => `${a.action} ${a.name}${a.changes?.length ? ` (${a.changes.map((c) => c.field).join(', ')})` : ''}`,
  );
  return markdown ? ['**Applied:**', '', ...lines.map((l) => `- ${l}`)].join('\n') : ['Applied:', ...lines.map((l) => `  ${l}`)].join('\n');
}
