/**
 * The payload store's read against Cloud Storage itself, with production settings (no emulator):
 * the media GET carries the runtime's credentials (a service-account key the test makes,
 * exchanged for an access token), names the object URL-encoded, maps 404 to "no such object" and
 * another status to an error that names the object, the status and Google's answer. It runs in a
 * process of its own (test/helpers/payload-store-google-probe.mjs), with msw for Google's endpoints:
 * under jest, google-auth-library's HTTP client cannot load.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/next-server';

const dir = mkdtempSync(join(tmpdir(), 'gcs-credentials-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("reads send the runtime's access token to Cloud Storage's media URL; 404 is no object, 403 an error", () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = join(dir, 'key.json');
  writeFileSync(
    keyFile,
    JSON.stringify({
      type: 'service_account',
      project_id: 'test-project',
      private_key_id: 'key-1',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      client_email: 'app-runtime@test-project.iam.gserviceaccount.com',
      token_uri: 'https://oauth2.googleapis.com/token',
    }),
  );
  const { STORAGE_EMULATOR_HOST: _emulator, ...env } = process.env;
  const probe = spawnSync(process.execPath, [join(ROOT, 'test/helpers/payload-store-google-probe.mjs'), ROOT], {
    env: { ...env, GOOGLE_APPLICATION_CREDENTIALS: keyFile },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (probe.status !== 0) throw new Error(`the probe failed:\n${probe.stdout}\n${probe.stderr}`);
  const { results, seen } = JSON.parse(probe.stdout.trim().split('\n').at(-1)!);
  expect(results).toEqual({
    found: { bytes: '{"v":1}' },
    missing: { bytes: null },
    forbidden: {
      error:
        'PayloadReadError: reading gs://app-payloads/deferred/forbidden.json from Cloud Storage failed: HTTP 403 caller does not have storage.objects.get',
    },
  });
  expect(seen[0]).toEqual({
    url: 'https://storage.googleapis.com/storage/v1/b/app-payloads/o/deferred%2Fa%20b.json?alt=media',
    authorization: 'Bearer runtime-token',
  });
  expect(seen.map((request: { authorization: string }) => request.authorization)).toEqual(Array(3).fill('Bearer runtime-token'));
});
