/**
 * The World's own settings, read when it is first used (never when it is created: the SDK
 * creates the World during `next build`, where none of these are set). Their variables are in the
 * package's table (contract/env.ts): WORKFLOW_POSTGRES_URL, WORKFLOW_LOCAL_DATA_DIR,
 * WORKFLOW_CLOUD_TASKS_FLOW_QUEUE, WORKFLOW_CLOUD_TASKS_STEP_QUEUE, and Cloud Run's K_REVISION.
 * Where tasks go and who may call back are the adapter's settings (runtime/settings.ts), from
 * registerDeferred's options or the same environment.
 */
import { ENV, envText, isInvalid, onCloudRun, readEnv, type Env, type EnvVariable } from '../contract/env.js';
import { ConfigError } from '../contract/errors.js';
import { problemsError, type ConfigProblem } from '../runtime/config.js';
import { currentSettings } from '../runtime/settings.js';

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

/** A variable's value, its default when unset, or the problem it has (listed, the default used meanwhile). */
function read(env: Env, variable: EnvVariable<string>, fallback: string, problems: ConfigProblem[]): string {
  const value = readEnv(env, variable);
  if (isInvalid(value)) {
    problems.push({ variable: variable.name, message: value.invalid });
    return fallback;
  }
  return value ?? fallback;
}

/** Whether tasks go to the local emulator: registerDeferred's option or CLOUD_TASKS_EMULATOR_HOST. */
function besideEmulator(env: Env): boolean {
  const { enqueue, handler } = currentSettings();
  for (const config of [enqueue, handler]) if (!(config instanceof ConfigError)) return config.emulatorHost !== undefined;
  // Both incomplete (the start check lists why): the variable alone.
  return envText(env, ENV.emulatorHost) !== undefined;
}

function readStorage(env: Env, problems: ConfigProblem[]): StorageSettings {
  const connectionString = read(env, ENV.workflowPostgresUrl, '', problems);
  if (connectionString) return { kind: 'postgres', connectionString };
  // Files are safe only beside the local emulator: on Cloud Run each instance has its own
  // in-memory disk, and runs would be lost with the instance.
  if (!besideEmulator(env) || onCloudRun(env)) {
    problems.push({
      variable: ENV.workflowPostgresUrl.name,
      message:
        'WORKFLOW_POSTGRES_URL is not set: against Cloud Tasks (no CLOUD_TASKS_EMULATOR_HOST) workflow runs need a database, or every run is lost with the instance. Set it to your Cloud SQL for PostgreSQL database (node_modules/next-cloud-tasks/docs/workflows.md)',
    });
  }
  return { kind: 'local', dataDir: read(env, ENV.workflowLocalDataDir, DEFAULT_LOCAL_DATA_DIR, problems) };
}

function worldSettings(env: Env, problems: ConfigProblem[]): WorldSettings {
  return {
    storage: readStorage(env, problems),
    queues: {
      workflow: read(env, ENV.workflowFlowQueue, DEFAULT_FLOW_QUEUE, problems),
      step: read(env, ENV.workflowStepQueue, DEFAULT_STEP_QUEUE, problems),
    },
    deploymentId: read(env, ENV.cloudRunRevision, 'local', problems),
  };
}

/** Every problem of the World's settings, as data (the start check lists them with the adapter's). */
export function listWorldProblems(env: Env = process.env): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  worldSettings(env, problems);
  return problems;
}

/** The settings, or a ConfigError that names every variable to fix. */
export function readWorldSettings(env: Env = process.env): WorldSettings {
  const problems: ConfigProblem[] = [];
  const settings = worldSettings(env, problems);
  if (problems.length) {
    throw problemsError('The Cloud Tasks workflow World cannot run; fix these environment variables', problems);
  }
  return settings;
}
