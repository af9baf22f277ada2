/**
 * The World's own settings, read from the environment when it is first used (never when it is
 * created: the SDK creates the World during `next build`, where none of these are set). Where
 * tasks go and who may call back is the adapter's configuration (runtime/config.ts):
 * GOOGLE_CLOUD_PROJECT, CLOUD_TASKS_LOCATION, DEFERRED_SERVICE_URL, DEFERRED_SERVICE_ACCOUNT, ...
 *
 * | variable                          | what it is                                                     | default            |
 * |-----------------------------------|----------------------------------------------------------------|--------------------|
 * | WORKFLOW_POSTGRES_URL             | Postgres (Cloud SQL) that stores runs, steps, events, streams   | unset: embedded    |
 * | WORKFLOW_LOCAL_DATA_DIR           | folder of the embedded storage (only with the local emulator)  | `.workflow-data`   |
 * | WORKFLOW_CLOUD_TASKS_FLOW_QUEUE   | the queue.yaml queue of workflow (flow) messages               | `workflow-flows`   |
 * | WORKFLOW_CLOUD_TASKS_STEP_QUEUE   | the queue.yaml queue of step messages                          | `workflow-steps`   |
 * | K_REVISION                        | set by Cloud Run: the deployment id of runs                    | `local`            |
 */
import { ConfigError } from '../contract/errors.js';
import { onCloudRun, readVariable, type ConfigProblem } from '../runtime/config.js';

type Env = Record<string, string | undefined>;

export type StorageSettings = { kind: 'postgres'; connectionString: string } | { kind: 'local'; dataDir: string };

export interface WorldSettings {
  storage: StorageSettings;
  /** Cloud Tasks queue ids (queue.yaml names) of the two kinds of messages. */
  queues: { workflow: string; step: string };
  deploymentId: string;
}

export const DEFAULT_FLOW_QUEUE = 'workflow-flows';
export const DEFAULT_STEP_QUEUE = 'workflow-steps';
export const DEFAULT_LOCAL_DATA_DIR = '.workflow-data';

/** Cloud Tasks' rule for a queue id. */
const QUEUE_ID = /^[A-Za-z0-9-]{1,100}$/;

function readQueue(env: Env, variable: string, fallback: string, problems: ConfigProblem[]): string {
  const queue = readVariable(env, variable) ?? fallback;
  if (!QUEUE_ID.test(queue)) {
    problems.push({ variable, message: `${variable}="${queue}" is not a Cloud Tasks queue id (letters, digits and hyphens, at most 100)` });
  }
  return queue;
}

function readStorage(env: Env, problems: ConfigProblem[]): StorageSettings {
  const connectionString = readVariable(env, 'WORKFLOW_POSTGRES_URL');
  if (connectionString) {
    if (!/^postgres(ql)?:\/\//.test(connectionString)) {
      problems.push({
        variable: 'WORKFLOW_POSTGRES_URL',
        message:
          'WORKFLOW_POSTGRES_URL must be a postgres:// connection string, like postgres://user:password@/db?host=/cloudsql/PROJECT:REGION:INSTANCE',
      });
    }
    return { kind: 'postgres', connectionString };
  }
  // Files are safe only beside the local emulator: on Cloud Run each instance has its own
  // in-memory disk, and runs would be lost with the instance.
  if (!readVariable(env, 'CLOUD_TASKS_EMULATOR_HOST') || onCloudRun(env)) {
    problems.push({
      variable: 'WORKFLOW_POSTGRES_URL',
      message:
        'WORKFLOW_POSTGRES_URL is not set: against Cloud Tasks (no CLOUD_TASKS_EMULATOR_HOST) workflow runs need a database, or every run is lost with the instance. Set it to your Cloud SQL for PostgreSQL database (node_modules/next-cloud-tasks/docs/workflows.md)',
    });
  }
  return { kind: 'local', dataDir: readVariable(env, 'WORKFLOW_LOCAL_DATA_DIR') ?? DEFAULT_LOCAL_DATA_DIR };
}

/** Every problem of the World's settings, as data (the start check lists them with the adapter's). */
export function listWorldProblems(env: Env = process.env): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  worldSettings(env, problems);
  return problems;
}

function worldSettings(env: Env, problems: ConfigProblem[]): WorldSettings {
  return {
    storage: readStorage(env, problems),
    queues: {
      workflow: readQueue(env, 'WORKFLOW_CLOUD_TASKS_FLOW_QUEUE', DEFAULT_FLOW_QUEUE, problems),
      step: readQueue(env, 'WORKFLOW_CLOUD_TASKS_STEP_QUEUE', DEFAULT_STEP_QUEUE, problems),
    },
    deploymentId: readVariable(env, 'K_REVISION') ?? 'local',
  };
}

/** The settings, or a ConfigError that names every variable to fix. */
export function readWorldSettings(env: Env = process.env): WorldSettings {
  const problems: ConfigProblem[] = [];
  const settings = worldSettings(env, problems);
  if (problems.length) {
    throw new ConfigError(
      problems.map((p) => p.variable),
      `The Cloud Tasks workflow World cannot run; fix these environment variables:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`,
    );
  }
  return settings;
}
