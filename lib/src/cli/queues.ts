import { applyPlan, type ApplyResult, type QueueAdmin } from '../queues/apply.js';
import { type CloudTasksAdminOptions, createCloudTasksAdmin } from '../queues/cloud-tasks-admin.js';
import { EXIT } from './exit-codes.js';
import { parseCliOptions, type QueuesCliOptions, requireTarget, USAGE } from './queues-options.js';
import { formatProblem } from '../queues/errors.js';
import { describeSettings, formatApplyText, formatPlanMarkdown, formatPlanText } from '../queues/format-plan.js';
import { toCloudTasksQueue } from '../queues/map.js';
import { loadQueueYaml } from '../queues/parse.js';
import { planQueues, type QueuePlan } from '../queues/plan.js';
import type { QueueFile } from '../queues/types.js';
import type { CommandIo } from './command-failure.js';
import { reportPlan, runFileCommand, type PlanRendering } from './file-command.js';

export interface RunCliIo extends CommandIo {
  /** How to reach Cloud Tasks; tests inject an auth client or short 429 delays. @default createCloudTasksAdmin */
  createAdmin?: (options: CloudTasksAdminOptions) => QueueAdmin & { close?(): Promise<void> };
  /** Extra admin options (e.g. `rateLimitRetryDelaysMs`, `authClient`), merged into what the CLI passes. */
  adminOptions?: Partial<CloudTasksAdminOptions>;
}

/** Runs `npx next-cloud-tasks queues ...` and returns its exit code (see EXIT); never calls process.exit. */
export function runQueuesCli(argv: string[], io: RunCliIo): Promise<number> {
  return runFileCommand<QueuesCliOptions, QueueFile>(argv, io, {
    parse: parseCliOptions,
    usage: USAGE,
    load: loadQueueYaml,
    formatWarning: formatProblem,
    validate: (file, options) => validateReport(file, options, io),
    deploy: (file, options) => runAgainstCloudTasks(file, options, io),
  });
}

function validateReport(file: QueueFile, options: QueuesCliOptions, io: RunCliIo): number {
  const queues = file.queues.map(toCloudTasksQueue);
  if (options.json) {
    io.stdout(JSON.stringify({ command: 'validate', ok: true, file: file.file, queues, warnings: file.warnings }, null, 2));
  } else {
    const role = (i: number) => {
      const { deadLetterQueue, deadLetterFor } = file.queues[i];
      if (deadLetterFor) return `; dead-letter queue of ${deadLetterFor.join(', ')}`;
      return deadLetterQueue ? `; dead tasks kept in ${deadLetterQueue.name}` : '';
    };
    const lines = queues.map((q, i) => `  ${q.name}: ${describeSettings(q)}${role(i)}`);
    io.stdout([`${file.file}: ${queues.length} queue${queues.length === 1 ? '' : 's'}, valid.`, ...lines].join('\n'));
  }
  return EXIT.ok;
}

async function runAgainstCloudTasks(file: QueueFile, options: QueuesCliOptions, io: RunCliIo): Promise<number> {
  const { project, location } = requireTarget(options);
  const target = `projects/${project}/locations/${location}${options.emulatorHost ? ` (emulator at ${options.emulatorHost})` : ''}`;
  const admin = (io.createAdmin ?? createCloudTasksAdmin)({ project, location, emulatorHost: options.emulatorHost, ...io.adminOptions });
  try {
    const plan = planQueues(file, await admin.listQueues(), { pauseMissing: options.pauseMissing });
    let result: ApplyResult | undefined;
    if (options.command === 'apply') result = await applyPlan(plan, admin);
    const drift = options.command === 'check' && plan.hasChanges;
    reportPlan({ plan, result, drift, target }, options, io, QUEUE_PLAN);
    return drift ? EXIT.invalidOrDrift : EXIT.ok;
  } finally {
    await admin.close?.();
  }
}

const QUEUE_PLAN: PlanRendering<QueuePlan, ApplyResult> = {
  text: formatPlanText,
  markdown: formatPlanMarkdown,
  applied: formatApplyText,
  drift: (file) => `Drift: the live queues differ from ${file}. Review the plan above, then run: npx next-cloud-tasks queues apply`,
};
