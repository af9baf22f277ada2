/**
 * `next-cloud-tasks cron validate|plan|apply|check`: cron.yaml to Cloud Scheduler, with the queue
 * command's flags, exit codes, output forms and never-delete rule (cli/queues.ts).
 */
import { describeCronFilter } from '../contract/cron-filter.js';
import { deployCronJobs, formatCronDeploy, type CronDeployResult, type SchedulerAdmin } from '../cron/deploy-jobs.js';
import { describeCronTarget } from '../cron/job-resource.js';
import { toSchedulerJob } from '../cron/map.js';
import { nextRuns } from '../cron/next-runs.js';
import { loadCronYaml } from '../cron/parse.js';
import { type CloudSchedulerAdminOptions, createCloudSchedulerAdmin } from '../cron/scheduler-admin.js';
import type { CronFile, CronJobDefinition } from '../cron/types.js';
import type { CommandIo } from './command-failure.js';
import { CRON_USAGE, cronTargets, type CronCliOptions, parseCronCliOptions, requireCronTarget } from './cron-options.js';
import { EXIT } from './exit-codes.js';
import { runDeployCommand } from './deploy-command.js';

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
  return runDeployCommand<CronCliOptions, CronFile, SchedulerAdmin, CronDeployResult>(argv, io, {
    parse: parseCronCliOptions,
    usage: CRON_USAGE,
    load: loadCronYaml,
    validate: (file, options) => validateReport(file, options, io),
    connect(options) {
      const { project, location, targets } = requireCronTarget(options);
      const { serviceAccountEmail } = targets;
      const admin = (io.createAdmin ?? createCloudSchedulerAdmin)({ project, location, serviceAccountEmail, ...io.adminOptions });
      return { admin, target: `projects/${project}/locations/${location}` };
    },
    deploy: (file, admin, deployOptions, options) => deployCronJobs(file, cronTargets(options), admin, deployOptions),
    format: formatCronDeploy,
    drift: (file) => `Drift: the live jobs differ from ${file}. Review the plan above, then run: npx next-cloud-tasks cron apply`,
  });
}

function runsOf(job: CronJobDefinition, now: Date): string {
  return nextRuns(job, now, 3)
    .map((d) => d.toISOString().replace(':00.000Z', 'Z'))
    .join(', ');
}

function validateReport(file: CronFile, options: CronCliOptions, io: RunCronCliIo): number {
  const now = io.now?.() ?? new Date();
  const canMap = options.serviceUrl && options.serviceAccount;
  if (options.json) {
    const jobs = file.jobs.map((job) => ({
      ...job,
      nextRuns: nextRuns(job, now, 3).map((d) => d.toISOString()),
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
    const filtered = job.filter ? ` (filter: ${describeCronFilter(job.filter)})` : '';
    lines.push(`  ${job.id}: ${translated}${filtered} ${job.timeZone}, ${what}${job.service ? ` on target ${job.service}` : ''}`);
    lines.push(`      next: ${runsOf(job, now)}`);
  }
  io.stdout(lines.join('\n'));
  return EXIT.ok;
}
