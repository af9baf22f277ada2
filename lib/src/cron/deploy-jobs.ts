/**
 * cron.yaml deployed to Cloud Scheduler with the deploy core: plan, apply, check, and the plan's
 * text and Markdown. What `next-cloud-tasks cron plan|apply|check` runs, for a program's use.
 */
import { applyDeployPlan, type ApplyResult } from '../deploy/apply.js';
import { runDeploy, type DeployOptions, type DeployResult } from '../deploy/deploy.js';
import { planDeploy, type DeployPlan, type DeployPlanItem, type PlanOptions } from '../deploy/plan.js';
import { renderDeploy, type FormatOptions } from '../deploy/render-plan.js';
import type { DeployAdmin } from '../deploy/resource.js';
import { JOB_RESOURCE, type JobField, type LiveJob } from './job-resource.js';
import { toSchedulerJobs, type CronTargetOptions } from './map.js';
import type { CronFile, SchedulerJobSettings } from './types.js';

/** The job calls a deploy makes: createCloudSchedulerAdmin() over the real client, or your own (a fake in tests). */
export type SchedulerAdmin = DeployAdmin<SchedulerJobSettings, LiveJob>;
export type CronPlanItem = DeployPlanItem<SchedulerJobSettings, LiveJob, JobField>;
export type CronPlan = DeployPlan<CronPlanItem>;
export type CronApplyResult = ApplyResult<JobField>;
export type CronDeployResult = DeployResult<SchedulerJobSettings, LiveJob, JobField>;

/** The file's jobs as Cloud Scheduler jobs; a CronUsageError names each `target` without a URL, at its line. */
const desiredJobs = (file: CronFile, targets: CronTargetOptions) =>
  toSchedulerJobs(file, targets).map((job, i) => ({ name: job.name, desired: job, position: file.jobs[i].position }));

/** Compares the file's jobs with the live ones: create / update (the changed fields) / unchanged / not in the file. */
export function planCronJobs(file: CronFile, targets: CronTargetOptions, live: readonly LiveJob[], options: PlanOptions = {}): CronPlan {
  return planDeploy(JOB_RESOURCE, file.file, desiredJobs(file, targets), live, options);
}

/** Carries out a plan: creates jobs, updates the changed fields, resumes paused ones the file lists. Never deletes a job. */
export function applyCronPlan(plan: CronPlan, admin: SchedulerAdmin): Promise<CronApplyResult> {
  return applyDeployPlan(JOB_RESOURCE, plan, admin);
}

/** Lists the live jobs, plans cron.yaml against them, and applies it (`mode: 'apply'`) or reports drift (`'check'`). */
export function deployCronJobs(
  file: CronFile,
  targets: CronTargetOptions,
  admin: SchedulerAdmin,
  options: DeployOptions = {},
): Promise<CronDeployResult> {
  return runDeploy(JOB_RESOURCE, admin, file.file, desiredJobs(file, targets), options);
}

/**
 * A plan as text for a terminal, or Markdown for a CI job summary (`markdown`), followed by what
 * was applied when there is an `applied`: what deployCronJobs returned, as the CLI prints it.
 */
export function formatCronDeploy(result: { plan: CronPlan; applied?: CronApplyResult }, target: string, options?: FormatOptions): string {
  return renderDeploy(result, target, JOB_RESOURCE, options);
}
