/**
 * Next.js calls `register()` once when a server starts, before it serves requests
 * (https://nextjs.org/docs/app/api-reference/file-conventions/instrumentation). The adapter checks
 * its configuration there and sets up graceful shutdown and trace propagation (see registerDeferred).
 * What it registers is process-wide: the demo's event listener sees the tasks the task route runs
 * and the tasks that server actions and route handlers enqueue (GET /api/events lists them).
 */
export async function register(): Promise<void> {
  // Only in Node.js, which serves the tasks; importing inside the check keeps Node-only code
  // (process signals, process.exit) out of the Edge bundle that Next also compiles.
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { registerDeferred } = await import('next-cloud-tasks/next');
    const { demoStore } = await import('./app/_tasks/demo-store');
    // The manifest the task route serves: defer() then refuses a function missing from it, at the call.
    const { manifest } = await import('./app/_tasks/manifest');
    await registerDeferred({
      manifest,
      onEvent: (event, payload) => {
        const functionId = 'functionId' in payload ? payload.functionId : payload.context?.functionId;
        demoStore().events.push({ event, functionId, at: new Date() });
      },
    });
  }
}
