import { applyDeployPlan, type ApplyResult } from './apply.js';
import { planDeploy, type DeployPlan, type DeployPlanItem, type DesiredResource, type PlanOptions } from './plan.js';
import type { DeployAdmin, ResourceKind } from './resource.js';

/** `plan` changes nothing; `apply` makes the live resources match the file; `check` is plan, with drift reported (for CI). */
export type DeployMode = 'plan' | 'apply' | 'check';

export interface DeployOptions extends PlanOptions {
  /** @default 'plan' */
  mode?: DeployMode;
}

export interface DeployResult<Desired, Live, Field extends string> {
  plan: DeployPlan<DeployPlanItem<Desired, Live, Field>>;
  /** What `apply` did; absent for plan and check. */
  applied?: ApplyResult<Field>;
  /** For `check`: the live resources differ from the file (the plan has changes). False for plan and apply. */
  drift: boolean;
}

/** Lists the live resources, plans the file against them, and applies the plan when `mode` is 'apply'. */
export async function runDeploy<Desired, Live extends { name: string; state: string }, Field extends string>(
  kind: ResourceKind<Desired, Live, Field>,
  admin: DeployAdmin<Desired, Live>,
  file: string,
  desired: readonly DesiredResource<Desired>[],
  { mode = 'plan', pauseMissing }: DeployOptions = {},
): Promise<DeployResult<Desired, Live, Field>> {
  const plan = planDeploy(kind, file, desired, await admin.list(), { pauseMissing });
  const applied = mode === 'apply' ? await applyDeployPlan(kind, plan, admin) : undefined;
  return { plan, ...(applied && { applied }), drift: mode === 'check' && plan.hasChanges };
}
