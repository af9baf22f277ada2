/**
 * Builds the same artifact as the Dockerfile (`NEXT_OUTPUT=standalone next build`) and lays it
 * out as the image's last stage does (standalone folder + static files, copied somewhere with no
 * node_modules above it), so a file missing from the standalone output fails the test here too.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOncePerRun, ROOT } from '../../helpers/next-server';

/** Its own dist folder: neither a developer's .next nor the `next start` tests' .next-test. */
export const STANDALONE_DIST_DIR = '.next-standalone';

/** Once per jest run, like buildNextApp: the Dockerfile's build (`NEXT_OUTPUT=standalone`). */
export const buildStandalone = () => buildOncePerRun(STANDALONE_DIST_DIR, { NEXT_OUTPUT: 'standalone' });

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
