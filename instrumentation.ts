/**
 * Next.js calls `register()` once when a server starts, before it serves requests
 * (https://nextjs.org/docs/app/api-reference/file-conventions/instrumentation). The adapter checks
 * its configuration there and sets up graceful shutdown and trace propagation (see registerDeferred).
 */
export async function register(): Promise<void> {
  // Only in Node.js, which serves the tasks; importing inside the check keeps Node-only code
  // (process signals, process.exit) out of the Edge bundle that Next also compiles.
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { registerDeferred } = await import('next-cloud-tasks/next');
    registerDeferred();
  }
}
