/**
 * `next-cloud-tasks/workflow`: a Workflow SDK World (`workflow` 4.8.x) whose queue is Cloud Tasks.
 * Select it with `WORKFLOW_TARGET_WORLD=next-cloud-tasks/workflow`: the SDK loads this module
 * and calls its default export (or `createWorld`). In a Next.js server, `registerWorkflowWorld()`
 * in instrumentation.ts sets it for the process (standalone builds included) and checks it at
 * start. See docs/workflows.md.
 */
import { createCloudTasksWorld } from './world.js';

export { createCloudTasksWorld as createWorld };
export { registerWorkflowWorld } from './register-world.js';
export { WorkflowMessageTooLargeError } from './send-task.js';
export { WorkflowStorageError } from './storage-error.js';
export { DEFAULT_FLOW_QUEUE, DEFAULT_STEP_QUEUE, DEFAULT_LOCAL_DATA_DIR } from './settings.js';

export default createCloudTasksWorld;
