/**
 * The files `next-cloud-tasks init` writes into an app that has none of them. They are what this
 * package's own demo app has (its task route, manifest and instrumentation), cut to one example.
 */

/** The task route's folder under the App Router folder ("%5F" is "_": `_ah` would be private). */
export const ROUTE_DIR = '%5Fah/queue/deferred/[[...suffix]]';
export const TASKS_DIR = '_tasks';
/** The names Next.js reads its config from, in the order init looks for one. */
export const NEXT_CONFIG_FILES = ['next.config.ts', 'next.config.mjs', 'next.config.js', 'next.config.cjs', 'next.config.mts'];
export const EXAMPLE_FUNCTION = { name: 'sayHello', id: 'example.sayHello' } as const;

export function routeFile(manifestImport: string): string {
  return `// The task handler for /_ah/queue/deferred and everything under it ("%5F" is "_": a folder
// starting with "_" would be private in the App Router). /_ah/queue/deferred_<suffix> arrives
// here through the rewrites withCloudTasks() adds in next.config.
import { createDeferredRoute } from 'next-cloud-tasks/next';
import { manifest } from '${manifestImport}';

export const { GET, POST, PUT, PATCH, DELETE } = createDeferredRoute(manifest);
`;
}

export function manifestFile(): string {
  return `import { createManifest } from 'next-cloud-tasks';
import { ${EXAMPLE_FUNCTION.name} } from './example';

/**
 * Every deferrable function of the app. The task route imports this, so every bundle that can
 * receive a task knows every function. Add new functions here; never rename an id that has
 * tasks queued.
 */
export const manifest = createManifest([${EXAMPLE_FUNCTION.name}]);
`;
}

export function exampleFile(typescript: boolean): string {
  return `import { deferrable, getTaskContext } from 'next-cloud-tasks';

/**
 * An example deferrable function. Defer it from a server action or a route handler:
 *   await defer(${EXAMPLE_FUNCTION.name}, ['Ada']);
 * Its id names it in every task: keep it stable once tasks are queued. A thrown error makes
 * Cloud Tasks retry the task, per its queue in queue.yaml.
 */
export const ${EXAMPLE_FUNCTION.name} = deferrable('${EXAMPLE_FUNCTION.id}', async (${typescript ? 'name: string' : 'name'}) => {
  const { queueName, taskName, attempt } = getTaskContext();
  console.log(\`Hello, \${name}! (task \${taskName} on queue \${queueName}, attempt \${attempt})\`);
});
`;
}

/** queue.yaml with one queue; its comment names the app's package runner (`npx`, `pnpm exec`, `yarn`). */
export const queueYamlFile = (
  exec: string,
) => `# The app's Cloud Tasks queues, in App Engine's queue.yaml format. defer() refuses a queue that
# is not here. Check it with \`${exec} next-cloud-tasks queues validate\`; deploy it with
# \`${exec} next-cloud-tasks queues plan\` and \`... apply\` (never \`gcloud app deploy queue.yaml\`: it
# disables every queue it omits). The local emulator loads this file at start.
queue:
- name: default
  rate: 10/s
  retry_parameters:
    task_retry_limit: 5
    min_backoff_seconds: 1
    max_backoff_seconds: 60
`;

export function nextConfigFile(typescript: boolean): string {
  return typescript
    ? `import type { NextConfig } from 'next';
import { withCloudTasks } from 'next-cloud-tasks/config';

const nextConfig: NextConfig = {};

export default withCloudTasks(nextConfig);
`
    : `import { withCloudTasks } from 'next-cloud-tasks/config';

/** @type {import('next').NextConfig} */
const nextConfig = {};

export default withCloudTasks(nextConfig);
`;
}
