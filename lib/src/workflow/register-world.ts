/**
 * `registerWorkflowWorld()`, for instrumentation.ts: makes this World the one the Workflow SDK
 * uses in this server process, and checks it at start.
 *
 * The SDK finds a World by `require(WORKFLOW_TARGET_WORLD)` when its runtime first needs one, and
 * its step handler asks as soon as the runtime module loads; unset, that is the SDK's local World,
 * whose flow and step handlers check no caller. A standalone build (the Docker image) does not
 * carry modules that nothing imports, so the require of this module would fail there. So the World
 * is put where the SDK keeps it (what its `setWorld()` does) before any workflow code loads, without
 * loading the SDK's runtime first; and WORKFLOW_TARGET_WORLD names this module, so a World the SDK
 * would still create by name is this one, or an error, never the local one.
 *
 * At start, like registerDeferred's check (DEFERRED_STARTUP_CHECK): `fail` (production's default)
 * logs what to fix and exits, because Next answers a failed register() with a server that serves
 * only 500s, and Cloud Run keeps the previous revision when a new one exits; `warn` logs it; `off`
 * skips the check.
 */
import type { World } from '@workflow/world';
import { ConfigError } from '../contract/errors.js';
import { currentSettings } from '../runtime/settings.js';
import { describeError, log } from '../runtime/logger.js';
import { processState } from '../runtime/process-state.js';
import { createCloudTasksWorld } from './world.js';

/** The module name the SDK loads this World by. */
export const WORLD_MODULE = 'next-cloud-tasks/workflow';

/**
 * Where `@workflow/core` 4.8 keeps the process's World (`runtime/world.js`): `getWorld()` reads the
 * first, the routes' queue handlers the second, and `setWorld()` fills both.
 * test/workflow/register-world.test.ts checks this against the installed SDK.
 */
const SDK_WORLD_SLOTS = [Symbol.for('@workflow/world//cache'), Symbol.for('@workflow/world//stubbedCache')];

/** One World per process, whichever module instance registers it (a dev server's reload too). */
const registered = () => processState('workflow-world', (): { world?: World } => ({}));

export async function registerWorkflowWorld(): Promise<World> {
  const state = registered();
  const world = (state.world ??= createCloudTasksWorld());
  process.env.WORKFLOW_TARGET_WORLD = WORLD_MODULE;
  for (const slot of SDK_WORLD_SLOTS) (globalThis as Record<symbol, unknown>)[slot] = world;
  const mode = currentSettings().startupCheck;
  if (mode === 'off') return world;
  try {
    await world.start!();
  } catch (error) {
    log(mode === 'fail' ? 'ERROR' : 'WARNING', error instanceof ConfigError ? error.message : describeError(error));
    if (mode === 'fail') process.exit(1);
  }
  return world;
}
