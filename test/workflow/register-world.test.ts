/**
 * registerWorkflowWorld() against the installed SDK's runtime, in a plain Node process as a
 * standalone server runs it (no WORKFLOW_TARGET_WORLD): the SDK's getWorld() and its routes' queue
 * handlers are this World, so the step route refuses a request without a token (401), where the
 * SDK's local World, its default, would run it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/next-server';

test("the registered World is the SDK's, for getWorld() and the step route, which refuses an unauthenticated request", () => {
  const result = spawnSync(process.execPath, [join(__dirname, 'fixtures/register-world.mjs')], { cwd: ROOT, encoding: 'utf8' });
  expect(result.stderr).not.toMatch(/Error/);
  expect(JSON.parse(result.stdout.trim().split('\n').pop()!)).toEqual({
    getWorld: true,
    handlers: true,
    target: 'next-cloud-tasks/workflow',
    unauthenticatedStep: 401,
  });
});
