import { loadEnqueueClient } from '../enqueue/defer.js';
import { log } from '../runtime/logger.js';
import type { CloudTasksOptions } from '../runtime/options.js';
import { currentOptions, setAppOptions } from '../runtime/options-state.js';
import { queueCatalog } from '../runtime/queue-catalog.js';
import { currentSettings } from '../runtime/settings.js';
import { installGracefulShutdown } from '../runtime/shutdown.js';
import { formatStartupProblems, inspectStartup } from '../runtime/startup-check.js';
import { installNextDefaults } from './request-trace.js';

/**
 * What the app's instrumentation.ts runs once at start, in the Node.js runtime: the one way to
 * give the adapter its options (every setting and hook, each with its environment variable and
 * default: CloudTasksOptions). It then checks the configuration with every problem in one
 * message (exit in production, warn in dev) instead of failing on the first task; answers tasks
 * still running at SIGTERM with a retryable status; reads queue.yaml once for the process; and
 * loads the Cloud Tasks client before the server takes requests (Next awaits `register()`), so
 * the first defer() skips the import. It makes no network call: credentials and the connection
 * come with the first task.
 *
 * Next.js loads this package separately for instrumentation, route handlers and server actions;
 * the options given here are process-wide, so they hold for all three. Called again (a dev
 * server's reload), the new options replace the old ones.
 */
export async function registerDeferred(options: CloudTasksOptions = {}): Promise<void> {
  installNextDefaults();
  setAppOptions(options);
  const settings = currentSettings();
  if (settings.startupCheck !== 'off') {
    const { problems } = inspectStartup(process.env, currentOptions());
    const fields = { problems: problems.map((p) => p.variable) };
    if (problems.length && settings.startupCheck === 'fail') {
      log('ERROR', formatStartupProblems(problems), fields);
      // Exit before listening: Cloud Run keeps the previous revision serving and shows this line.
      process.exit(1);
    }
    if (problems.length) log('WARNING', formatStartupProblems(problems), fields);
  }
  // On SIGTERM, tasks in flight get shutdownGraceMs to finish, then a retryable 503.
  installGracefulShutdown(settings.shutdownGraceMs);
  // queue.yaml, read once for the process: defer() and the handler use this copy. A broken one is
  // left for them to report (the check above has said so already).
  try {
    queueCatalog();
  } catch {}
  if (settings.prewarm) await loadEnqueueClient();
}
