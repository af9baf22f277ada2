/**
 * What `withCloudTasks()` (next-cloud-tasks/config, at build time) and the server's start-up check
 * (at run time) agree on.
 */

/** The Cloud Tasks client: external to Next's bundles, its JSON protos traced into standalone builds. */
export const TASK_CLIENT_PACKAGE = '@google-cloud/tasks';

/**
 * Set by withCloudTasks through next.config's `env`, so Next inlines it into the server at build
 * time: the queue.yaml the app was built with (relative to the app), or '' when it had none.
 */
export const BUILT_QUEUE_YAML_VARIABLE = 'NEXT_CLOUD_TASKS_BUILT_QUEUE_YAML';
