import type { DeployPlan, DeployPlanItem } from './plan.js';
import type { DeployAdmin, FieldChange, ResourceKind } from './resource.js';

export interface AppliedAction<Field extends string = string> {
  name: string;
  action: 'created' | 'updated' | 'paused' | 'resumed';
  /** For `updated`: what changed. */
  changes?: FieldChange<Field>[];
}

export interface ApplyResult<Field extends string = string> {
  actions: AppliedAction<Field>[];
}

/**
 * Carries out a plan: creates (then pauses what the file wants paused), updates the changed
 * fields only, pauses or resumes to match the file, pauses missing ones when the plan says so.
 * Never deletes. Stops at the first API error (the error names the resource); what was done
 * before it stays done, and re-running is safe because a fresh plan only holds what still differs.
 */
export async function applyDeployPlan<Desired, Live, Field extends string>(
  kind: ResourceKind<Desired, Live, Field>,
  plan: DeployPlan<DeployPlanItem<Desired, Live, Field>>,
  admin: DeployAdmin<Desired, Live>,
): Promise<ApplyResult<Field>> {
  const actions: AppliedAction<Field>[] = [];
  const setState = async (name: string, paused: boolean) => {
    // resume() resumes a PAUSED or a DISABLED one alike.
    await (paused ? admin.pause(name) : admin.resume(name));
    actions.push({ name, action: paused ? 'paused' : 'resumed' });
  };
  for (const item of plan.items) {
    if (item.action === 'create') {
      await admin.create(item.desired);
      actions.push({ name: item.name, action: 'created' });
      // Created running; a `rate: 0` queue is then paused.
      if (kind.isPaused(item.desired)) await setState(item.name, true);
    } else if (item.action === 'update') {
      const fieldChanges = item.changes.filter((c) => c.field !== 'state');
      const mask = kind.updateMask(fieldChanges);
      if (mask.length > 0) {
        await admin.update(item.desired, mask);
        actions.push({ name: item.name, action: 'updated', changes: fieldChanges });
      }
      if (item.changes.some((c) => c.field === 'state')) await setState(item.name, kind.isPaused(item.desired));
    } else if (item.action === 'missing' && item.pause) {
      await setState(item.name, true);
    }
  }
  return { actions };
}
