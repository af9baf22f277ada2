/**
 * Builds the same artifact as the Dockerfile (`NEXT_OUTPUT=standalone next build`) and lays it
 * out as the image's last stage does (standalone folder + static files, copied somewhere with no
 * node_modules above it), so a file missing from the standalone output fails the test here too.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../helpers/next-server';

/** Its own dist folder: neither a developer's .next nor the `next start` tests' .next-test. */
export const STANDALONE_DIST_DIR = '.next-standalone';
const NEXT_BIN = join(ROOT, 'node_modules/next/dist/bin/next');

/** Once per jest run (NEXT_TEST_BUILD_ID from globalSetup), like buildNextApp. */
export function buildStandalone(): void {
  const runId = process.env.NEXT_TEST_BUILD_ID ?? 'manual';
  const stamp = join(ROOT, STANDALONE_DIST_DIR, 'BUILT_FOR');
  const lock = join(ROOT, `${STANDALONE_DIST_DIR}.lock`);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === runId) return;
  mkdirSync(lock); // throws if another build is running: one standalone test file uses this
  try {
    const result = spawnSync(process.execPath, [NEXT_BIN, 'build'], {
      cwd: ROOT,
      env: { ...process.env, NEXT_OUTPUT: 'standalone', NEXT_DIST_DIR: STANDALONE_DIST_DIR, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', NEXT_SKIP_TYPECHECK: '1' },
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (result.status !== 0) throw new Error(`standalone next build failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
    writeFileSync(stamp, runId);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Copies the build as the Dockerfile's runtime stage does:
 * `COPY .next/standalone ./` and `COPY .next/static ./.next/static`. Returns the folder.
 */
export function copyLikeDockerfile(): string {
  const app = mkdtempSync(join(tmpdir(), 'standalone-app-'));
  const dist = join(ROOT, STANDALONE_DIST_DIR);
  cpSync(join(dist, 'standalone'), app, { recursive: true, verbatimSymlinks: true });
  cpSync(join(dist, 'static'), join(app, STANDALONE_DIST_DIR, 'static'), { recursive: true });
  return app;
}
