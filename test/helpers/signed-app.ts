import { EMULATOR_ISSUER } from '@/lib/src/contract/issuers';
import { createSigningKey, signIdToken, type IdTokenClaims } from '@/lib/src/testing/oidc-tokens';
import { startCertsServer, type CertsServer } from './certs-server';
import { freePort, startNextServer, type RunningServer } from './next-server';

/** The service account whose tokens the app accepts. */
export const TASKS_EMAIL = 'tasks@dev-project.iam.gserviceaccount.com';

export interface SignedApp {
  app: RunningServer;
  certs: CertsServer;
  /** A valid task token for the app, as the emulator signs them; `claims` override the defaults. */
  token(claims?: Partial<IdTokenClaims>): Promise<string>;
  stop(): Promise<void>;
}

export interface SignedAppOptions {
  /** Added to (and overriding) the app's environment: NODE_OPTIONS probes, tuning variables. */
  env?: Record<string, string>;
  /** Server output to this file instead of a pipe (see startServer). */
  logFile?: string;
}

/**
 * `next start` of the production build that verifies real RS256 task tokens offline: emulator
 * mode, with a loopback certs server holding a key the test signs with. Google's certs URL is
 * unreachable here; the verification code path is the same.
 */
export async function startSignedApp(options: SignedAppOptions = {}): Promise<SignedApp> {
  const key = createSigningKey();
  const certs = await startCertsServer([key]);
  const port = await freePort();
  let app: RunningServer;
  try {
    app = await startNextServer(
      {
        GOOGLE_CLOUD_PROJECT: 'dev-project',
        CLOUD_TASKS_LOCATION: 'us-central1',
        DEFERRED_SERVICE_URL: `http://127.0.0.1:${port}`,
        DEFERRED_SERVICE_ACCOUNT: TASKS_EMAIL,
        CLOUD_TASKS_EMULATOR_HOST: certs.host,
        ...options.env,
      },
      port,
      { logFile: options.logFile },
    );
  } catch (error) {
    await certs.close();
    throw error;
  }
  return {
    app,
    certs,
    token: (claims = {}) => signIdToken(key, { iss: EMULATOR_ISSUER, aud: app.url, email: TASKS_EMAIL, ...claims }),
    async stop() {
      await app.stop();
      await certs.close();
    },
  };
}
