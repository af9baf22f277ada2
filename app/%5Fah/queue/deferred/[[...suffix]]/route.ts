// The task handler for /_ah/queue/deferred and everything under it ("%5F" is "_": a folder
// starting with "_" would be private in the App Router). /_ah/queue/deferred_<suffix> arrives
// here through the rewrites in next.config.js.
import { manifest } from '@/app/_tasks/manifest';
import { createDeferredRoute } from 'next-cloud-tasks/next';

export const { GET, POST, PUT, PATCH, DELETE } = createDeferredRoute(manifest);
