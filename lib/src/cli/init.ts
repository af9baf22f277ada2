/**
 * `next-cloud-tasks init`: adds the adapter to an existing Next.js 16 app, the steps a user would
 * otherwise copy from this package's demo: the task route, a manifest with one example function,
 * a one-queue queue.yaml, registerDeferred() in instrumentation, the emulator's state in
 * .gitignore, and next.config wrapped with withCloudTasks. It is idempotent (a second run changes
 * nothing and says so) and never overwrites a file with other content: it prints what to add by
 * hand instead. package.json is never edited: the scripts are printed as a suggestion.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseQueueYaml } from '../queues/parse.js';
import {
  addGitignoreLines,
  addRegisterDeferred,
  excludeTaskRoutes,
  instrumentationFile,
  registerDeferredBlock,
  wrapNextConfig,
} from './init-edits.js';
import { dockerSteps } from './init-dockerfile.js';
import { detectAppLayout, InitError, type AppLayout } from './init-layout.js';
import { editStep, firstExisting, indent, read, writeNew, type InitStep } from './init-steps.js';
import {
  EXAMPLE_FUNCTION,
  exampleFile,
  manifestFile,
  NEXT_CONFIG_FILES,
  nextConfigFile,
  queueYamlFile,
  ROUTE_DIR,
  routeFile,
  TASKS_DIR,
} from './init-templates.js';
import { binCommand } from '../runtime/package-runner.js';
import { findProxyFile, findProxyMatcherProblem } from './proxy-check.js';
import { installedWorkflowVersion, workflowNextSteps, workflowSteps } from './init-workflow.js';

export const INIT_USAGE = `Usage: next-cloud-tasks init [--dir <app folder>] [--dockerfile] [--workflow]

Adds next-cloud-tasks to the Next.js 16 app in this folder (or --dir): the task route
(app/%5Fah/queue/deferred/[[...suffix]]/route.ts, or under src/app), a manifest with one example
deferrable function (app/_tasks), a one-queue queue.yaml, registerDeferred() in instrumentation.ts,
.cloud-tasks-emulator/ in .gitignore, next.config wrapped with withCloudTasks(), and _ah/queue/
excluded from the matcher of proxy.ts (or middleware.ts) when it has one. Running it
again changes nothing. A file that exists with other content is left alone, and init prints what
to add to it by hand. package.json is not edited.

--dockerfile also writes a Dockerfile for Cloud Run (the standalone output, built with the app's
npm, pnpm or yarn, run as a non-root user on $PORT), a .dockerignore, and output: 'standalone'
in next.config.

--workflow also wires the Workflow SDK (\`workflow\`, installed first; production also needs
\`@workflow/world-postgres\`) to next-cloud-tasks/workflow, the World whose queue is Cloud Tasks:
next.config wrapped with withWorkflow(withCloudTasks(...)) and the World selected, registerWorkflowWorld() in
instrumentation.ts, the queues workflow-flows and workflow-steps in queue.yaml, .workflow-data/
in .gitignore, and /.well-known/workflow/ excluded from the matcher of proxy.ts (or middleware.ts).

Exit code 0 when the app is set up, 1 when something is left to do by hand (printed), 2 on a
wrong option.`;

export interface InitResult {
  layout: AppLayout;
  /** Whether the Workflow SDK was wired too (--workflow). */
  workflow?: boolean;
  steps: InitStep[];
  /** Things init found and left for the user (a queue.yaml without "default", or invalid). */
  warnings: string[];
}

/** The task route: written when absent; kept when it already serves tasks. */
function routeStep(layout: AppLayout): InitStep {
  const file = `${layout.appDir}/${ROUTE_DIR}/route.${layout.ext}`;
  const text = routeFile(layout.importPath(`${layout.appDir}/${TASKS_DIR}/manifest`, file));
  const path = join(layout.dir, file);
  if (!existsSync(path)) {
    writeNew(path, text);
    return { file, action: 'created', what: 'the task handler for /_ah/queue/deferred/...' };
  }
  if (/createDeferredRoute|handleDeferredRequest/.test(read(path))) return { file, action: 'unchanged', what: 'serves tasks already' };
  return { file, action: 'skipped', what: 'exists with other content', manual: `Make it serve tasks:\n${indent(text)}` };
}

/** The manifest and its example function, as one step: the manifest imports the example. */
function manifestSteps(layout: AppLayout): InitStep[] {
  const dir = `${layout.appDir}/${TASKS_DIR}`;
  const manifest = { file: `${dir}/manifest.${layout.ext}`, text: manifestFile() };
  const example = { file: `${dir}/example.${layout.ext}`, text: exampleFile(layout.typescript) };
  const manifestPath = join(layout.dir, manifest.file);
  const examplePath = join(layout.dir, example.file);
  if (existsSync(manifestPath)) {
    const theirs = read(manifestPath);
    if (/export\s+const\s+manifest\b/.test(theirs) && theirs.includes('createManifest')) {
      return [{ file: manifest.file, action: 'unchanged', what: 'lists the deferrable functions already' }];
    }
    const manual = `The task route imports \`manifest\` from it; add:\n${indent(manifest.text)}`;
    return [{ file: manifest.file, action: 'skipped', what: 'exists with other content', manual }];
  }
  if (existsSync(examplePath) && read(examplePath) !== example.text) {
    return [
      {
        file: example.file,
        action: 'skipped',
        what: 'exists with other content',
        manual:
          "init's manifest imports its example from this file; write these two files by hand (another name for the example is fine):\n" +
          `${manifest.file}:\n${indent(manifest.text)}\n${example.file}:\n${indent(example.text)}`,
      },
    ];
  }
  const steps: InitStep[] = [];
  if (!existsSync(examplePath)) {
    writeNew(examplePath, example.text);
    steps.push({ file: example.file, action: 'created', what: `an example deferrable function, ${EXAMPLE_FUNCTION.name}` });
  }
  writeNew(manifestPath, manifest.text);
  steps.push({ file: manifest.file, action: 'created', what: 'every deferrable function (the task route imports it)' });
  return steps;
}

/** queue.yaml: written when absent; an existing one is kept, and checked for the queue defer() uses by default. */
function queueYamlStep(layout: AppLayout, warnings: string[]): InitStep {
  const file = 'queue.yaml';
  const path = join(layout.dir, file);
  const ours = queueYamlFile(layout.runner.exec);
  if (!existsSync(path)) {
    writeNew(path, ours);
    return { file, action: 'created', what: 'one queue, "default"' };
  }
  const text = read(path);
  if (text === ours) return { file, action: 'unchanged', what: 'one queue, "default"' };
  try {
    const names = parseQueueYaml(text, file).queues.map((queue) => queue.name);
    if (!names.includes('default')) {
      const has = names.join(', ') || 'none';
      warnings.push(`${file} has no "default" queue (it has ${has}): defer() without a { queue } option uses it. Add it, or pass a queue.`);
    }
  } catch (error) {
    const problems = indent((error as Error).message);
    const validate = binCommand(layout.runner, 'queues validate');
    warnings.push(`${file} does not validate:\n${problems}\nRun \`${validate}\` after fixing it.`);
  }
  return { file, action: 'unchanged', what: 'your queues, kept' };
}

/**
 * instrumentation: registerDeferred() in register(), given the task route's manifest when the app
 * has one that exports it (`withManifest`), so defer() refuses an unknown function at the call.
 */
function instrumentationStep(layout: AppLayout, withManifest: boolean): InitStep {
  const base = layout.srcDir ? `${layout.srcDir}/instrumentation` : 'instrumentation';
  const existing = firstExisting(
    layout.dir,
    ['ts', 'js', 'mjs'].map((ext) => `${base}.${ext}`),
  );
  const file = existing ?? `${base}.${layout.ext}`;
  const manifestImport = withManifest ? layout.importPath(`${layout.appDir}/${TASKS_DIR}/manifest`, file) : undefined;
  if (!existing) {
    writeNew(join(layout.dir, file), instrumentationFile(manifestImport));
    return { file, action: 'created', what: 'register() calls registerDeferred() at server start' };
  }
  const manual = `Add to the start of its \`export async function register()\`:\n${indent(registerDeferredBlock('', "'", manifestImport))}`;
  return editStep(layout, existing, (text) => addRegisterDeferred(text, manifestImport), 'registerDeferred() added to register()', manual);
}

function gitignoreStep(layout: AppLayout): InitStep {
  const file = '.gitignore';
  if (!existsSync(join(layout.dir, file))) {
    const { text } = addGitignoreLines('') as { text: string };
    writeNew(join(layout.dir, file), text);
    return { file, action: 'created', what: "ignores the emulator's local state" };
  }
  return editStep(layout, file, addGitignoreLines, "ignores the emulator's local state (.cloud-tasks-emulator/)", '');
}

function nextConfigStep(layout: AppLayout): InitStep {
  const existing = firstExisting(layout.dir, NEXT_CONFIG_FILES);
  if (!existing) {
    const file = layout.typescript ? 'next.config.ts' : 'next.config.mjs';
    writeNew(join(layout.dir, file), nextConfigFile(layout.typescript));
    return { file, action: 'created', what: 'the config, wrapped with withCloudTasks()' };
  }
  const manual =
    `Wrap the config it exports: \`export default withCloudTasks(nextConfig)\` (or \`module.exports = withCloudTasks(nextConfig)\`), ` +
    `with \`import { withCloudTasks } from 'next-cloud-tasks/config'\`. It adds the task URLs' rewrites, serverExternalPackages ` +
    `and the standalone tracing includes.`;
  return editStep(layout, existing, wrapNextConfig, 'the exported config wrapped with withCloudTasks()', manual);
}

/**
 * proxy.ts (or middleware.ts), when the app has one: `_ah/queue/` added to its matcher's
 * exclusions, so an auth proxy does not answer task deliveries; a form init does not edit is left
 * alone, with the matcher to merge printed.
 */
function proxySteps(layout: AppLayout): InitStep[] {
  const file = findProxyFile(layout.dir);
  if (!file) return [];
  const manual = findProxyMatcherProblem(layout.dir) ?? '';
  return [editStep(layout, file, excludeTaskRoutes, 'its matcher lets task deliveries (/_ah/queue/) through', manual)];
}

export interface InitOptions {
  /** Also a Dockerfile for Cloud Run, a .dockerignore, and `output: 'standalone'` in next.config. */
  dockerfile?: boolean;
  /** Also the Workflow SDK wired to next-cloud-tasks/workflow (docs/workflows.md); needs `workflow` installed. */
  workflow?: boolean;
}

/** Does every step in the app at `dir`, writing files; throws InitError when `dir` is not a Next.js 16 app. */
export function initApp(dir: string, options: InitOptions = {}): InitResult {
  const layout = detectAppLayout(resolve(dir));
  // Before any file is written: without the SDK there is nothing to wire.
  if (options.workflow) installedWorkflowVersion(layout);
  const warnings: string[] = [];
  const manifest = manifestSteps(layout);
  const steps = [
    routeStep(layout),
    ...manifest,
    queueYamlStep(layout, warnings),
    instrumentationStep(
      layout,
      manifest.every((step) => step.action !== 'skipped'),
    ),
    gitignoreStep(layout),
    nextConfigStep(layout),
    ...proxySteps(layout),
    ...(options.dockerfile ? dockerSteps(layout) : []),
    ...(options.workflow ? workflowSteps(layout) : []),
  ];
  return { layout, steps, warnings, workflow: options.workflow };
}

/** Whether the app is left with something to do by hand. */
export const leftToDo = (result: InitResult) => result.warnings.length > 0 || result.steps.some((step) => step.action === 'skipped');

/** What init prints: each file and what happened to it, what is left to do by hand, and the next steps. */
export function formatInitReport(result: InitResult): string {
  const { layout, steps, warnings } = result;
  const language = layout.typescript ? 'TypeScript' : 'JavaScript';
  const lines = [`next-cloud-tasks init in ${layout.dir} (App Router in ${layout.appDir}/, ${language})`, ''];
  const width = Math.max(...steps.map((step) => step.file.length));
  for (const step of steps) lines.push(`  ${step.action.padEnd(9)} ${step.file.padEnd(width)}  ${step.what}`);
  const todo = [...steps.filter((step) => step.manual).map((step) => `${step.file}: ${step.manual}`), ...warnings];
  if (todo.length) lines.push('', 'Left to do by hand:', ...todo.map((item) => `\n- ${item}`));
  if (steps.every((step) => step.action === 'unchanged')) {
    lines.push('', 'Nothing to change: next-cloud-tasks is set up in this app already.');
  }
  if (!layout.hasPackage) lines.push('', `next-cloud-tasks is not in package.json yet: ${layout.runner.add} next-cloud-tasks`);
  const example = layout.importPath(`${layout.appDir}/${TASKS_DIR}/example`, `${layout.appDir}/actions.${layout.ext}`);
  lines.push(
    '',
    'Next:',
    '  1. Defer the example from a server action or a route handler:',
    `       import { defer } from 'next-cloud-tasks';`,
    `       import { ${EXAMPLE_FUNCTION.name} } from '${example}';`,
    `       await defer(${EXAMPLE_FUNCTION.name}, ['Ada']);`,
    `     Add your own deferrable functions to ${layout.appDir}/${TASKS_DIR}/manifest.${layout.ext}.`,
    `  2. ${binCommand(layout.runner, 'dev')}`,
    '     the emulator and `next dev` together; tasks show on the dashboard at http://127.0.0.1:8123/',
    `     (${binCommand(layout.runner, 'start')}: the same with \`next start\` of a production build)`,
    ...(result.workflow ? workflowNextSteps(layout) : []),
    '',
    'Suggested package.json scripts (init does not edit package.json):',
    '  "dev": "next-cloud-tasks dev",',
    '  "start:local": "next-cloud-tasks start",',
    '  "emulator": "next-cloud-tasks emulator",',
    '  "queues": "next-cloud-tasks queues",',
    '  "doctor": "next-cloud-tasks doctor"',
  );
  return lines.join('\n');
}

export async function runInitCommand(args: string[]): Promise<number> {
  let values: { dir?: string; dockerfile?: boolean; workflow?: boolean; help?: boolean };
  try {
    const options = {
      dir: { type: 'string' },
      dockerfile: { type: 'boolean' },
      workflow: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    } as const;
    ({ values } = parseArgs({ args, options, strict: true, allowPositionals: false }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${INIT_USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(INIT_USAGE);
    return 0;
  }
  try {
    const result = initApp(values.dir ?? process.cwd(), { dockerfile: values.dockerfile, workflow: values.workflow });
    console.log(formatInitReport(result));
    return leftToDo(result) ? 1 : 0;
  } catch (error) {
    if (!(error instanceof InitError)) throw error;
    console.error(error.message);
    return 1;
  }
}
