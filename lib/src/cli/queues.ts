import { type CloudTasksAdminOptions, createCloudTasksAdmin } from '../queues/cloud-tasks-admin.js';
import { deployQueues, formatQueueDeploy, type QueueAdmin, type QueueDeployResult } from '../queues/deploy-queues.js';
import { toCloudTasksQueue } from '../queues/map.js';
import { loadQueueYaml } from '../queues/parse.js';
import { describeQueue } from '../queues/queue-resource.js';
import type { QueueFile } from '../queues/types.js';
import type { CommandIo } from './command-failure.js';
import { EXIT } from './exit-codes.js';
import { runDeployCommand } from './deploy-command.js';
import { parseCliOptions, type QueuesCliOptions, requireTarget, USAGE } from './queues-options.js';

export interface RunCliIo extends CommandIo {
  /** How to reach Cloud Tasks; tests inject an auth client or short 429 delays. @default createCloudTasksAdmin */
  createAdmin?: (options: CloudTasksAdminOptions) => QueueAdmin & { close?(): Promise<void> };
  /** Extra admin options (e.g. `rateLimitRetryDelaysMs`, `authClient`), merged into what the CLI passes. */
  adminOptions?: Partial<CloudTasksAdminOptions>;
}

/** Runs `npx next-cloud-tasks queues ...` and returns its exit code (see EXIT); never calls process.exit. */
export function runQueuesCli(argv: string[], io: RunCliIo): Promise<number> {
  return runDeployCommand<QueuesCliOptions, QueueFile, QueueAdmin, QueueDeployResult>(argv, io, {
    parse: parseCliOptions,
    usage: USAGE,
    load: loadQueueYaml,
    validate: (file, options) => validateReport(file, options, io),
    connect(options) {
      const { project, location } = requireTarget(options);
      const { emulatorHost } = options;
      const admin = (io.createAdmin ?? createCloudTasksAdmin)({ project, location, emulatorHost, ...io.adminOptions });
      return { admin, target: `projects/${project}/locations/${location}${emulatorHost ? ` (emulator at ${emulatorHost})` : ''}` };
    },
    deploy: deployQueues,
    format: formatQueueDeploy,
    drift: (file) => `Drift: the live queues differ from ${file}. Review the plan above, then run: npx next-cloud-tasks queues apply`,
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
    const lines = queues.map((q, i) => `  ${q.name}: ${describeQueue(q)}${role(i)}`);
    io.stdout([`${file.file}: ${queues.length} queue${queues.length === 1 ? '' : 's'}, valid.`, ...lines].join('\n'));
  }
  return EXIT.ok;
}
