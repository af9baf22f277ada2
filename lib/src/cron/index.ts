/**
 * `next-cloud-tasks/cron`: App Engine's cron.yaml for Cloud Scheduler. Parse and validate it
 * (every problem at file:line:col), translate its schedules to unix-cron, compute next runs, map
 * jobs to Cloud Scheduler HTTP jobs, and plan/apply them. The CLI is `next-cloud-tasks cron`.
 */
export type {
  CronFile,
  CronJobDefinition,
  CronJobTarget,
  CronRetryParameters,
  CronYamlProblem,
  SchedulerJobSettings,
  SchedulerRetryConfig,
  SourcePosition,
} from './types.js';
export { CronYamlError, CronUsageError, CronApiError, formatProblem } from './errors.js';
export { SCHEDULER_DEFAULTS, SCHEDULER_LIMITS } from './defaults.js';
export { parseCronYaml, loadCronYaml, loadProjectCronYaml, cronYamlPath } from './parse.js';
export { translateSchedule, checkUnixCron, ScheduleError } from './schedule.js';
export type { ScheduleTranslation } from './schedule.js';
export { parseGroc, GrocSyntaxError } from './groc.js';
export type { GrocSchedule, GrocInterval, GrocSpecificTime } from './groc.js';
export { nextRun, nextRuns, runsBetween, isKnownTimeZone } from './next-runs.js';
export { toSchedulerJob, toSchedulerJobs, DEFERRED_PATH } from './map.js';
export type { CronTargetOptions } from './map.js';
export { planJobs, diffJob, updateMaskFor, MANAGED_JOB_FIELDS } from './plan.js';
export type { JobField, JobFieldChange, JobPlan, JobPlanItem, JobPlanOptions, LiveJob } from './plan.js';
export { applyCronPlan } from './apply.js';
export type { AppliedJobAction, CronApplyResult, SchedulerAdmin } from './apply.js';
export { formatCronPlanText, formatCronPlanMarkdown, formatCronApplyText, describeJob } from './format-plan.js';
// The Cloud Scheduler client (scheduler-admin.ts) loads @google-cloud/scheduler when first used.
export { createCloudSchedulerAdmin } from './scheduler-admin.js';
export type { CloudSchedulerAdminOptions } from './scheduler-admin.js';
