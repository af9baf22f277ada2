/**
 * `next-cloud-tasks init --workflow`: after init's own steps, wires the Workflow SDK to this
 * package's World (docs/workflows.md's steps 2-5): next.config wrapped with withWorkflow around
 * withCloudTasks and the World selected, registerWorkflowWorld() in instrumentation, the two
 * workflow queues in queue.yaml, the embedded storage's folder in .gitignore, and a warning when
 * the app's proxy would catch the workflow routes. It needs `workflow` installed in the app (not
 * `@workflow/world-postgres`, which only production's storage needs).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DEFAULT_LOCAL_DATA_DIR } from '../workflow/settings.js';
import { addIgnoreLines } from './init-edits.js';
import { InitError, type AppLayout } from './init-layout.js';
import { editStep, firstExisting, indent, type InitStep } from './init-steps.js';
import { NEXT_CONFIG_FILES } from './init-templates.js';
import {
  addRegisterWorkflowWorld,
  addWorkflowQueues,
  excludeWorkflowRoutes,
  registerWorkflowBlock,
  WORKFLOW_QUEUE_YAML,
  WORLD_MODULE,
  wrapWithWorkflow,
} from './init-workflow-edits.js';
import { findProxyFile } from './proxy-check.js';

/** The storage a production server keeps its runs in (WORKFLOW_POSTGRES_URL); not needed to build or to run locally. */
const POSTGRES_STORAGE = '@workflow/world-postgres';

/**
 * The installed `workflow` version; throws InitError, naming the install command, when the SDK is
 * not installed. Found where Node would look from the app (the SDK's exports map has no
 * ./package.json to resolve). `@workflow/world-postgres` is not required: withCloudTasks lets the
 * app build without it, and locally the runs are kept in files.
 */
export function installedWorkflowVersion(layout: AppLayout): string {
  const lookups = createRequire(join(layout.dir, 'package.json')).resolve.paths('workflow') ?? [];
  const found = lookups.map((dir) => join(dir, 'workflow', 'package.json')).find((path) => existsSync(path));
  if (!found) {
    throw new InitError(
      `workflow is not installed in ${layout.dir}: \`init --workflow\` wires the Workflow SDK, it does not install it. ` +
        `Run \`${layout.runner.add} workflow\`, then \`init --workflow\` again.`,
    );
  }
  return (JSON.parse(readFileSync(found, 'utf8')) as { version: string }).version;
}

function nextConfigStep(layout: AppLayout): InitStep | undefined {
  const file = firstExisting(layout.dir, NEXT_CONFIG_FILES);
  if (!file) return undefined; // init's own step said what to do
  const manual =
    `Wrap the exported config with withWorkflow around withCloudTasks, \`withWorkflow(withCloudTasks(nextConfig))\` ` +
    `(\`import { withWorkflow } from 'workflow/next'\`), with \`process.env.WORKFLOW_TARGET_WORLD ??= '${WORLD_MODULE}';\` ` +
    `before it, as docs/workflows.md's step 2 shows.`;
  return editStep(layout, file, wrapWithWorkflow, `withWorkflow() around it, the World selected (${WORLD_MODULE})`, manual);
}

function instrumentationStep(layout: AppLayout): InitStep | undefined {
  const base = layout.srcDir ? `${layout.srcDir}/instrumentation` : 'instrumentation';
  const file = firstExisting(
    layout.dir,
    ['ts', 'js', 'mjs'].map((ext) => `${base}.${ext}`),
  );
  if (!file) return undefined;
  const manual = `Add to the end of its \`export async function register()\`:\n${indent(registerWorkflowBlock(''))}`;
  return editStep(layout, file, addRegisterWorkflowWorld, 'registerWorkflowWorld() added to register()', manual);
}

function queueYamlStep(layout: AppLayout): InitStep | undefined {
  if (!existsSync(join(layout.dir, 'queue.yaml'))) return undefined;
  const manual = `Add the two workflow queues to its queue list:\n${indent(WORKFLOW_QUEUE_YAML)}`;
  return editStep(layout, 'queue.yaml', addWorkflowQueues, 'the workflow queues added (workflow-flows, workflow-steps)', manual);
}

function gitignoreStep(layout: AppLayout): InitStep | undefined {
  if (!existsSync(join(layout.dir, '.gitignore'))) return undefined;
  const edit = (text: string) =>
    addIgnoreLines(text, [`${DEFAULT_LOCAL_DATA_DIR}/`], "next-cloud-tasks/workflow: the local runs' storage beside the emulator");
  return editStep(layout, '.gitignore', edit, `ignores the local workflow storage (${DEFAULT_LOCAL_DATA_DIR}/)`, '');
}

function proxyStep(layout: AppLayout): InitStep | undefined {
  const file = findProxyFile(layout.dir);
  if (!file) return undefined;
  const manual =
    "Unless it lets them through untouched, keep it off the Workflow SDK's routes: exclude `.well-known/workflow/` in its matcher, e.g.\n" +
    "    export const config = { matcher: ['/((?!.well-known/workflow/|_ah/queue/|_next/static|_next/image|favicon.ico).*)'] };";
  return editStep(layout, file, excludeWorkflowRoutes, 'its matcher excludes the workflow routes (/.well-known/workflow/)', manual);
}

/** The workflow steps, run after init's own (which created or edited the same files); check installedWorkflowVersion() first. */
export function workflowSteps(layout: AppLayout): InitStep[] {
  return [nextConfigStep(layout), instrumentationStep(layout), queueYamlStep(layout), gitignoreStep(layout), proxyStep(layout)].filter(
    (step): step is InitStep => step !== undefined,
  );
}

/** The next steps --workflow adds: write a workflow, start it, where its runs are kept. */
export function workflowNextSteps(layout: AppLayout): string[] {
  return [
    '  3. Write a workflow ("use workflow" and "use step" functions) and start it from a route or an action:',
    `       import { start } from 'workflow/api';`,
    `       const run = await start(myWorkflow, ['Ada']);`,
    '     Its steps, sleeps and retries are Cloud Tasks in workflow-flows and workflow-steps, on the dashboard;',
    '     locally its runs are kept in .workflow-data/, with no database. Production keeps them in Postgres:',
    `       ${layout.runner.add} ${POSTGRES_STORAGE}`,
    '     and WORKFLOW_POSTGRES_URL (Cloud SQL) with its schema: node_modules/next-cloud-tasks/docs/workflows.md.',
    "     The SDK's CLI reads the runs:",
    `       ${layout.runner.exec} workflow inspect runs --backend next-cloud-tasks/workflow`,
  ];
}
