import { ENV, envText, type Env } from '../contract/env.js';
import { DEFAULT_OPTIONS } from '../emulator/options.js';

/** The bucket `dev` and `emulator` give the app: it exists only in the emulator. */
export const LOCAL_PAYLOAD_BUCKET = 'local-deferred-payloads';

/** The app's port, as `next dev` picks it: PORT, else 3000. */
export const localAppPort = (env: Env): string => envText(env, ENV.appPort) ?? '3000';

/** The app's local URL on loopback, where the emulator delivers tasks by default. */
export const localAppUrl = (env: Env): string => `http://127.0.0.1:${localAppPort(env)}`;

/** The variables as one `NAME=value ...` line, to paste into a shell or an .env file. */
export const formatAppEnv = (appEnv: Record<string, string>): string =>
  Object.entries(appEnv)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');

/**
 * Every variable the app reads (contract/env.ts) for the local emulator: what `dev` injects and
 * `emulator` prints. A value already set in `env` wins.
 */
export function emulatedAppEnv(env: Env, { emulatorHost, appUrl }: { emulatorHost: string; appUrl: string }): Record<string, string> {
  const project = envText(env, ENV.project) ?? DEFAULT_OPTIONS.project;
  const or = (variable: (typeof ENV)[keyof typeof ENV], value: string) => ({ [variable.name]: envText(env, variable) ?? value });
  return {
    [ENV.emulatorHost.name]: emulatorHost,
    [ENV.project.name]: project,
    ...or(ENV.location, DEFAULT_OPTIONS.location),
    ...or(ENV.serviceUrl, appUrl),
    ...or(ENV.serviceAccount, `deferred-tasks@${project}.iam.gserviceaccount.com`),
    // Payloads too big for a task go to the emulator's Cloud Storage stand-in (any bucket name works there).
    ...or(ENV.storageEmulatorHost, `http://${emulatorHost}/storage/v1`),
    ...or(ENV.payloadBucket, `gs://${LOCAL_PAYLOAD_BUCKET}/deferred`),
  };
}
