/**
 * `next start` of the production build with tokens verified in emulator mode against a loopback
 * certs server holding a key the test signs with (Google's certs URL is unreachable here; the
 * verification code path is the same), and a memory probe in the server process.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATOR_ISSUER, EMULATOR_PEM_CERTS_PATH } from '@/lib/deferred/emulator-contract';
import { createSigningKey, pemCerts, signIdToken } from '@/lib/deferred/testing/oidc-tokens';
import { freePort, startNextServer, type RunningServer } from '../helpers/next-server';

export interface SignedApp {
  app: RunningServer;
  /** A valid task token for the app (signed once per call). */
  token(): string;
  /** The live heap (after a GC) the probe wrote after `since`. */
  heapAfter(since: number): Promise<{ heapUsed: number; rss: number }>;
  stop(): Promise<void>;
}

export const TASKS_EMAIL = 'tasks@dev-project.iam.gserviceaccount.com';

export async function startSignedApp(extraEnv: Record<string, string> = {}): Promise<SignedApp> {
  const key = createSigningKey('stress-key');
  const certs: Server = createServer((req, res) => {
    if (req.url !== EMULATOR_PEM_CERTS_PATH) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=3600' }).end(JSON.stringify(pemCerts([key])));
  });
  await new Promise<void>((r) => certs.listen(0, '127.0.0.1', r));
  const probeFile = join(mkdtempSync(join(tmpdir(), 'memory-probe-')), 'memory.json');
  const port = await freePort();
  const app = await startNextServer(
    {
      GOOGLE_CLOUD_PROJECT: 'dev-project',
      CLOUD_TASKS_LOCATION: 'us-central1',
      DEFERRED_SERVICE_URL: `http://127.0.0.1:${port}`,
      DEFERRED_SERVICE_ACCOUNT: TASKS_EMAIL,
      CLOUD_TASKS_EMULATOR_HOST: `127.0.0.1:${(certs.address() as { port: number }).port}`,
      MEMORY_PROBE_FILE: probeFile,
      NODE_OPTIONS: `--expose-gc --require ${join(__dirname, 'memory-probe.cjs')}`,
      ...extraEnv,
    },
    port,
  );
  return {
    app,
    token: () => signIdToken(key, { iss: EMULATOR_ISSUER, aud: app.url, email: TASKS_EMAIL }),
    async heapAfter(since) {
      for (let i = 0; i < 200; i++) {
        try {
          const sample = JSON.parse(readFileSync(probeFile, 'utf8')) as { heapUsed: number; rss: number; at: number };
          if (sample.at > since) return sample;
        } catch {
          // not written yet, or mid-write
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the memory probe wrote nothing: was the server started with --expose-gc and the probe?');
    },
    async stop() {
      await app.stop();
      await new Promise((r) => certs.close(r));
    },
  };
}
