/**
 * `registerWorkflowWorld()`, for instrumentation.ts: makes this World the one the Workflow SDK
 * uses in this server process, and checks it at start.
 *
 * The SDK finds a World by `require(WORKFLOW_TARGET_WORLD)` when a workflow route first loads. A
 * standalone build (the Docker image) does not carry modules that nothing imports, so that
 * require would fail there; registered here, the World is the instance this bundle imported, set
 * with the SDK's own `setWorld()` before any route loads, and the require never happens.
 *
 * At start, like registerDeferred's check (DEFERRED_STARTUP_CHECK): `fail` (production's default)
 * logs what to fix and exits, because Next answers a failed register() with a server that serves
 * only 500s, and Cloud Run keeps the previous revision when a new one exits; `warn` logs it; `off`
 * skips the check.
 */
import type { World } from '@workflow/world';
import { ConfigError } from '../contract/errors.js';
import { readTuning } from '../runtime/config.js';
import { describeError, log } from '../runtime/logger.js';
import { processState } from '../runtime/process-state.js';
import { createCloudTasksWorld } from './world.js';

/** One World per process, whichever module instance registers it (a dev server's reload too). */
const registered = () => processState('workflow-world', (): { world?: World } => ({}));

export async function registerWorkflowWorld(): Promise<World> {
  const state = registered();
  const world = (state.world ??= createCloudTasksWorld());
  const { setWorld } = await import('workflow/runtime');
  setWorld(world);
  const mode = readTuning('startupCheck');
  if (mode === 'off') return world;
  try {
    await world.start!();
  } catch (error) {
    log(mode === 'fail' ? 'ERROR' : 'WARNING', error instanceof ConfigError ? error.message : describeError(error));
    if (mode === 'fail') process.exit(1);
  }
  return world;
}
