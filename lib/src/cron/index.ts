/**
 * `next-cloud-tasks/cron`: App Engine's cron.yaml for Cloud Scheduler, what
 * `next-cloud-tasks cron validate|plan|apply|check` runs. Parse and validate a file (every problem
 * at file:line:col, schedules translated to unix-cron), list a job's next runs, map its jobs to
 * Cloud Scheduler HTTP jobs, plan them against the live ones, apply (never deleting a job), or
 * check for drift in CI.
 *
 * @example
 * import { createCloudSchedulerAdmin, deployCronJobs, formatCronDeploy, loadCronYaml } from 'next-cloud-tasks/cron';
 * const targets = { serviceUrl: 'https://my-app-abc123-uc.a.run.app', serviceAccountEmail: 'tasks@my-project.iam.gserviceaccount.com' };
 * const admin = createCloudSchedulerAdmin({ project: 'my-project', location: 'us-central1' });
 * const result = await deployCronJobs(loadCronYaml('cron.yaml'), targets, admin, { mode: 'apply' });
 * console.log(formatCronDeploy(result, 'projects/my-project/locations/us-central1'));
 * await admin.close();
 */
export type { CronFile, CronJobDefinition, CronYamlProblem, SchedulerJobSettings } from './types.js';
export { CronYamlError, CronApiError, CronUsageError, formatProblem } from './errors.js';
export { parseCronYaml, loadCronYaml } from './parse.js';
export { translateSchedule, ScheduleError } from './schedule.js';
export type { ScheduleTranslation } from './schedule.js';
export { nextRuns } from './next-runs.js';
export type { JobSchedule } from './next-runs.js';
export type { CronFilter } from '../contract/cron-filter.js';
export { toSchedulerJobs } from './map.js';
export type { CronTargetOptions } from './map.js';
export type { LiveJob } from './job-resource.js';
export { planCronJobs, applyCronPlan, deployCronJobs, formatCronDeploy } from './deploy-jobs.js';
export type { CronApplyResult, CronDeployResult, CronPlan, CronPlanItem, SchedulerAdmin } from './deploy-jobs.js';
export type { DeployOptions } from '../deploy/deploy.js';
export type { FormatOptions } from '../deploy/render-plan.js';
// The Cloud Scheduler client (scheduler-admin.ts) loads @google-cloud/scheduler when first used.
export { createCloudSchedulerAdmin } from './scheduler-admin.js';
export type { CloudSchedulerAdminOptions } from './scheduler-admin.js';
