import type { SourcePosition } from './problems.js';
import type { FieldChange, ResourceKind } from './resource.js';

/** One item of a deploy plan (queue.yaml to Cloud Tasks, cron.yaml to Cloud Scheduler). */
export type DeployPlanItem<Desired, Live, Field extends string = string> =
  | { action: 'create'; name: string; desired: Desired; position: SourcePosition }
  | { action: 'update'; name: string; desired: Desired; live: Live; changes: FieldChange<Field>[]; position: SourcePosition }
  | { action: 'unchanged'; name: string; desired: Desired; live: Live; position: SourcePosition }
  /** Live but not in the file: never deleted; paused only with `pauseMissing`. */
  | { action: 'missing'; name: string; live: Live; pause: boolean };

export interface DeployPlan<Item extends { action: string }> {
  file: string;
  items: Item[];
  /** True when applying would change something: what `check` fails on. */
  hasChanges: boolean;
  counts: Record<Item['action'], number>;
}

export interface PlanOptions {
  /** Pause live ones that the file does not list. @default false (they are only reported) */
  pauseMissing?: boolean;
}

/** What the file wants: each resource with its name and where the file says it. */
export interface DesiredResource<Desired> {
  name: string;
  desired: Desired;
  position: SourcePosition;
}

/**
 * The file's resources against the live ones: create, update (with the changed fields) or
 * unchanged for each one in the file, in its order, then the live ones the file does not list,
 * by name. Pure, so a plan is easy to test and to print.
 */
export function planDeploy<Desired, Live extends { name: string; state: string }, Field extends string>(
  kind: ResourceKind<Desired, Live, Field>,
  file: string,
  desired: readonly DesiredResource<Desired>[],
  live: readonly Live[],
  { pauseMissing = false }: PlanOptions = {},
): DeployPlan<DeployPlanItem<Desired, Live, Field>> {
  const liveByName = new Map(live.map((resource) => [resource.name, resource]));
  const items: DeployPlanItem<Desired, Live, Field>[] = desired.map(({ name, desired: wanted, position }) => {
    const current = liveByName.get(name);
    if (!current) return { action: 'create', name, desired: wanted, position };
    const changes = kind.diff(wanted, current);
    return changes.length > 0
      ? { action: 'update', name, desired: wanted, live: current, changes, position }
      : { action: 'unchanged', name, desired: wanted, live: current, position };
  });
  const inFile = new Set(desired.map((d) => d.name));
  for (const resource of [...live].sort((a, b) => a.name.localeCompare(b.name))) {
    if (inFile.has(resource.name)) continue;
    // Only a running one needs pausing; a paused or disabled one already matches the intent.
    items.push({ action: 'missing', name: resource.name, live: resource, pause: pauseMissing && resource.state === kind.activeState });
  }
  const counts = { create: 0, update: 0, unchanged: 0, missing: 0 };
  for (const item of items) counts[item.action]++;
  const hasChanges = items.some((i) => i.action === 'create' || i.action === 'update' || (i.action === 'missing' && i.pause));
  return { file, items, hasChanges, counts };
}
