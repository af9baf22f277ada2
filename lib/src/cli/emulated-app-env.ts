import { DEFAULT_OPTIONS } from '../emulator/options.js';

type Env = Record<string, string | undefined>;

/** The bucket `dev` and `emulator` give the app: it exists only in the emulator. */
export const LOCAL_PAYLOAD_BUCKET = 'local-deferred-payloads';

/**
 * Every variable the app reads (runtime/config.ts) for the local emulator: what `dev` injects and
 * `emulator` prints. A value already set in `env` wins.
 */
export function emulatedAppEnv(env: Env, { emulatorHost, appUrl }: { emulatorHost: string; appUrl: string }): Record<string, string> {
  const project = env.GOOGLE_CLOUD_PROJECT ?? DEFAULT_OPTIONS.project;
  return {
    CLOUD_TASKS_EMULATOR_HOST: emulatorHost,
    GOOGLE_CLOUD_PROJECT: project,
    CLOUD_TASKS_LOCATION: env.CLOUD_TASKS_LOCATION ?? DEFAULT_OPTIONS.location,
    DEFERRED_SERVICE_URL: env.DEFERRED_SERVICE_URL ?? appUrl,
    DEFERRED_SERVICE_ACCOUNT: env.DEFERRED_SERVICE_ACCOUNT ?? `deferred-tasks@${project}.iam.gserviceaccount.com`,
    // Payloads too big for a task go to the emulator's Cloud Storage stand-in (any bucket name works there).
    STORAGE_EMULATOR_HOST: env.STORAGE_EMULATOR_HOST ?? `http://${emulatorHost}/storage/v1`,
    DEFERRED_PAYLOAD_BUCKET: env.DEFERRED_PAYLOAD_BUCKET ?? `gs://${LOCAL_PAYLOAD_BUCKET}/deferred`,
  };
}
