/**
 * A task answered with a redirect never reached the handler: Cloud Tasks does not follow
 * redirects (a 3xx is a failed attempt, retried like any other), and the app logs nothing because
 * its handler never ran. The usual cause is a proxy.ts (middleware) matcher that also catches
 * /_ah/queue/... and sends the request to a login page; a URL ending in "/" is the other (Next
 * answers 308 to strip it). The emulator's dashboard and the jest kit say so in these words.
 */
export function redirectHint(status: number | undefined, location?: string | null): string | undefined {
  if (status === undefined || status < 300 || status > 399) return undefined;
  const where = location ? ` to ${location}` : '';
  return (
    `The app answered ${status} (a redirect${where}), so the task handler never ran and Cloud Tasks will retry it. ` +
    "Usually a proxy.ts (middleware) matcher catches /_ah/queue/...: add '_ah/queue/' to the matcher's exclusions " +
    '(next-cloud-tasks doctor checks it). A task URL must not end in "/" either (Next answers 308).'
  );
}
