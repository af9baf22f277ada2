import type { SourcePosition } from './types.js';

/** One item of a deploy plan (queue.yaml to Cloud Tasks, cron.yaml to Cloud Scheduler). */
export type DeployPlanItem<Desired, Live, Change> =
  | { action: 'create'; name: string; desired: Desired; position: SourcePosition }
  | { action: 'update'; name: string; desired: Desired; live: Live; changes: Change[]; position: SourcePosition }
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

export interface PlanComparison<Desired, Live, Change> {
  /** What the file wants, in its order. */
  desired: { name: string; desired: Desired; position: SourcePosition }[];
  live: Live[];
  diff(desired: Desired, live: Live): Change[];
  /** The live state of a resource that runs (RUNNING, ENABLED): only such a missing one is paused. */
  activeState: string;
  pauseMissing?: boolean;
}

/**
 * The file's resources against the live ones: create, update or unchanged for each one in the
 * file, in its order, then the live ones the file does not list, by name. Pure.
 */
export function comparePlan<Desired, Live extends { name: string; state: string }, Change>(
  file: string,
  { desired, live, diff, activeState, pauseMissing }: PlanComparison<Desired, Live, Change>,
): DeployPlan<DeployPlanItem<Desired, Live, Change>> {
  const liveByName = new Map(live.map((resource) => [resource.name, resource]));
  const items: DeployPlanItem<Desired, Live, Change>[] = desired.map(({ name, desired: wanted, position }) => {
    const current = liveByName.get(name);
    if (!current) return { action: 'create', name, desired: wanted, position };
    const changes = diff(wanted, current);
    return changes.length > 0
      ? { action: 'update', name, desired: wanted, live: current, changes, position }
      : { action: 'unchanged', name, desired: wanted, live: current, position };
  });
  const inFile = new Set(desired.map((d) => d.name));
  for (const resource of [...live].sort((a, b) => a.name.localeCompare(b.name))) {
    if (inFile.has(resource.name)) continue;
    // Only a running one needs pausing; a paused or disabled one already matches the intent.
    items.push({ action: 'missing', name: resource.name, live: resource, pause: Boolean(pauseMissing) && resource.state === activeState });
  }
  const counts = { create: 0, update: 0, unchanged: 0, missing: 0 };
  for (const item of items) counts[item.action]++;
  const hasChanges = items.some((i) => i.action === 'create' || i.action === 'update' || (i.action === 'missing' && i.pause));
  return { file, items, hasChanges, counts };
}
