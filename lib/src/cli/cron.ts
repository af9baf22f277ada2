/**
 * `next-cloud-tasks cron validate|plan|apply|check`: cron.yaml to Cloud Scheduler, with the queue
 * command's flags, exit codes, output forms and never-delete rule (cli/queues.ts).
 */
import { applyCronPlan, type CronApplyResult, type SchedulerAdmin } from '../cron/apply.js';
import { formatProblem } from '../cron/errors.js';
import { formatCronApplyText, formatCronPlanMarkdown, formatCronPlanText } from '../cron/format-plan.js';
import { toSchedulerJob, toSchedulerJobs } from '../cron/map.js';
import { nextRuns } from '../cron/next-runs.js';
import { loadCronYaml } from '../cron/parse.js';
import { describeCronTarget, planJobs, type JobPlan } from '../cron/plan.js';
import { type CloudSchedulerAdminOptions, createCloudSchedulerAdmin } from '../cron/scheduler-admin.js';
import type { CronFile, CronJobDefinition } from '../cron/types.js';
import { CRON_USAGE, cronTargets, type CronCliOptions, parseCronCliOptions, requireCronTarget } from './cron-options.js';
import { EXIT } from './exit-codes.js';
import type { CommandIo } from './command-failure.js';
import { reportPlan, runFileCommand, type PlanRendering } from './file-command.js';

export interface RunCronCliIo extends CommandIo {
  /** How to reach Cloud Scheduler; tests inject an auth client or short 429 delays. @default createCloudSchedulerAdmin */
  createAdmin?: (options: CloudSchedulerAdminOptions) => SchedulerAdmin & { close?(): Promise<void> };
  /** Extra admin options (e.g. `rateLimitRetryDelaysMs`, `authClient`), merged into what the CLI passes. */
  adminOptions?: Partial<CloudSchedulerAdminOptions>;
  /** "Now" for validate's next runs. @default the real time */
  now?: () => Date;
}

/** Runs `next-cloud-tasks cron ...` and returns its exit code; never calls process.exit. */
export function runCronCli(argv: string[], io: RunCronCliIo): Promise<number> {
  return runFileCommand<CronCliOptions, CronFile>(argv, io, {
    parse: parseCronCliOptions,
    usage: CRON_USAGE,
    load: loadCronYaml,
    formatWarning: formatProblem,
    validate: (file, options) => validateReport(file, options, io),
    deploy: (file, options) => runAgainstScheduler(file, options, io),
  });
}

function runsOf(job: CronJobDefinition, now: Date): string {
  return nextRuns(job.cron, job.timeZone, now, 3)
    .map((d) => d.toISOString().replace(':00.000Z', 'Z'))
    .join(', ');
}

function validateReport(file: CronFile, options: CronCliOptions, io: RunCronCliIo): number {
  const now = io.now?.() ?? new Date();
  const canMap = options.serviceUrl && options.serviceAccount;
  if (options.json) {
    const jobs = file.jobs.map((job) => ({
      ...job,
      nextRuns: nextRuns(job.cron, job.timeZone, now, 3).map((d) => d.toISOString()),
      ...(canMap &&
        (job.service === undefined || options.targetUrls[job.service]) && {
          schedulerJob: toSchedulerJob(job, cronTargets(options)),
        }),
    }));
    io.stdout(JSON.stringify({ command: 'validate', ok: true, file: file.file, jobs, warnings: file.warnings }, null, 2));
    return EXIT.ok;
  }
  const lines = [`${file.file}: ${file.jobs.length} cron job${file.jobs.length === 1 ? '' : 's'}, valid.`];
  for (const job of file.jobs) {
    const what = describeCronTarget(job.target);
    const translated = job.scheduleFormat === 'app-engine' ? `"${job.schedule}" = "${job.cron}"` : `"${job.cron}"`;
    lines.push(`  ${job.id}: ${translated} ${job.timeZone}, ${what}${job.service ? ` on target ${job.service}` : ''}`);
    lines.push(`      next: ${runsOf(job, now)}`);
  }
  io.stdout(lines.join('\n'));
  return EXIT.ok;
}

async function runAgainstScheduler(file: CronFile, options: CronCliOptions, io: RunCronCliIo): Promise<number> {
  const { project, location, targets } = requireCronTarget(options);
  const desired = toSchedulerJobs(file, targets).map((job, i) => ({ job, position: file.jobs[i].position }));
  const target = `projects/${project}/locations/${location}`;
  const admin = (io.createAdmin ?? createCloudSchedulerAdmin)({
    project,
    location,
    serviceAccountEmail: targets.serviceAccountEmail,
    ...io.adminOptions,
  });
  try {
    const plan = planJobs(file.file, desired, await admin.listJobs(), { pauseMissing: options.pauseMissing });
    let result: CronApplyResult | undefined;
    if (options.command === 'apply') result = await applyCronPlan(plan, admin);
    const drift = options.command === 'check' && plan.hasChanges;
    reportPlan({ plan, result, drift, target }, options, io, JOB_PLAN);
    return drift ? EXIT.invalidOrDrift : EXIT.ok;
  } finally {
    await admin.close?.();
  }
}

const JOB_PLAN: PlanRendering<JobPlan, CronApplyResult> = {
  text: formatCronPlanText,
  markdown: formatCronPlanMarkdown,
  applied: formatCronApplyText,
  drift: (file) => `Drift: the live jobs differ from ${file}. Review the plan above, then run: npx next-cloud-tasks cron apply`,
};
