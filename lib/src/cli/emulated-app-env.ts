import { DEFAULT_OPTIONS } from '../emulator/options.js';

type Env = Record<string, string | undefined>;

/** The bucket `dev` and `emulator` give the app: it exists only in the emulator. */
export const LOCAL_PAYLOAD_BUCKET = 'local-deferred-payloads';

/** The app's port, as `next dev` picks it: PORT, else 3000. */
export const localAppPort = (env: Env): string => env.PORT ?? '3000';

/** The app's local URL on loopback, where the emulator delivers tasks by default. */
export const localAppUrl = (env: Env): string => `http://127.0.0.1:${localAppPort(env)}`;

/** The variables as one `NAME=value ...` line, to paste into a shell or an .env file. */
export const formatAppEnv = (appEnv: Record<string, string>): string =>
  Object.entries(appEnv)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');

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
