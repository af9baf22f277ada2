/**
 * Next.js calls `register()` once when a server starts, before it serves requests
 * (https://nextjs.org/docs/app/api-reference/file-conventions/instrumentation). The adapter uses
 * it to check its configuration once, with every problem in one message, instead of failing on
 * the first task; to answer tasks still running at SIGTERM with a retryable status; and to give
 * defer() the trace of the request that calls it.
 */
export async function register(): Promise<void> {
  // The Edge runtime has no process signals or file system; tasks are served by Node.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { inspectStartup, startupCheckMode, formatStartupProblems } = await import('./lib/deferred/startup-check');
  const { log } = await import('./lib/deferred/logger');

  const mode = startupCheckMode();
  if (mode !== 'off') {
    const { problems } = inspectStartup();
    if (problems.length && mode === 'fail') {
      log('ERROR', formatStartupProblems(problems), { problems: problems.map((p) => p.variable) });
      // Exit before listening: Cloud Run keeps the previous revision serving and shows this line.
      process.exit(1);
    }
    if (problems.length) log('WARNING', formatStartupProblems(problems), { problems: problems.map((p) => p.variable) });
  }

  // On SIGTERM, tasks in flight get DEFERRED_SHUTDOWN_GRACE_MS to finish, then a retryable 503.
  const { installGracefulShutdown } = await import('./lib/deferred/shutdown');
  installGracefulShutdown();

  // defer() in any route or action carries the calling request's trace onto its task.
  const { propagateRequestTrace } = await import('./lib/deferred/next');
  propagateRequestTrace();
}
