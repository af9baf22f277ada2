/**
 * The edits `next-cloud-tasks init --workflow` makes to an app's files, on their text (as
 * init-edits.ts does for init's own): next.config wrapped with the Workflow SDK's withWorkflow
 * around withCloudTasks, with this package's World selected before it runs; registerWorkflowWorld()
 * in instrumentation's register(); the two workflow queues appended to queue.yaml. Each is a pure
 * function of the file's text; a form it does not recognise is left for the user, with the reason.
 */
import { WORKFLOW_ROUTES } from '../contract/workflow-message.js';
import { parseQueueYaml } from '../queues/parse.js';
import { DEFAULT_FLOW_QUEUE, DEFAULT_STEP_QUEUE } from '../workflow/settings.js';
import { excludeFromMatcher, type EditResult } from './init-edits.js';
import {
  addImportLine,
  applySplices,
  appendToFunction,
  bodyIndent,
  findConfigProperty,
  findExportedFunction,
  findExportedValue,
  parseSource,
  wrapInCall,
  type ExportedValue,
  type ParsedSource,
  type Splice,
} from './source-edits.js';

const NOT_PARSED: EditResult = { kind: 'manual', reason: 'it does not parse as JavaScript or TypeScript' };

const WORKFLOW_QUEUES = [DEFAULT_FLOW_QUEUE, DEFAULT_STEP_QUEUE] as const;
export const WORLD_MODULE = 'next-cloud-tasks/workflow';
/**
 * Left to Node rather than bundled: the World's storage packages, which it imports only when
 * chosen (a bundler would fail on the one the app has not installed), and the SDK's runtime,
 * which every workflow route and instrumentation would otherwise each bundle again.
 */
const WORKFLOW_EXTERNALS = ['@workflow/world-local', '@workflow/world-postgres', '@workflow/core', '@workflow/world-vercel'];

/** `serverExternalPackages` gains the workflow externals (added when absent, merged into an array literal); a string says why not. */
function externalsSplice(source: ParsedSource, exported: ExportedValue): Splice | string | undefined {
  const q = source.quote;
  const property = findConfigProperty(source, exported, 'serverExternalPackages');
  if ('reason' in property) return property.reason;
  if (!property.found) return property.add(`[${WORKFLOW_EXTERNALS.map((name) => q + name + q).join(', ')}]`);
  const missing = WORKFLOW_EXTERNALS.filter((name) => !property.value.includes(`'${name}'`) && !property.value.includes(`"${name}"`));
  if (!missing.length) return undefined;
  if (!/^\[[\s\S]*\]$/.test(property.value)) return `its serverExternalPackages is not an array literal (${property.value})`;
  const inside = property.value.slice(1, -1).trimEnd();
  const comma = inside && !inside.endsWith(',') ? ', ' : inside ? ' ' : '';
  const at = property.end - 1 - (property.value.slice(1, -1).length - inside.length);
  return { at, insert: `${comma}${missing.map((name) => q + name + q).join(', ')}` };
}

/**
 * next.config: `export default X` (or `module.exports = X`) becomes `withWorkflow(X)`, with its
 * import, the World chosen before withWorkflow runs (it picks the SDK's local World, whose routes
 * check no caller, when WORKFLOW_TARGET_WORLD is unset), and the workflow externals. Run after
 * init has wrapped the config with withCloudTasks, so the result is withWorkflow(withCloudTasks(X)).
 */
export function wrapWithWorkflow(text: string): EditResult {
  if (text.includes('withWorkflow') && text.includes(WORLD_MODULE)) return { kind: 'unchanged' };
  if (text.includes('withWorkflow')) {
    return { kind: 'manual', reason: `it calls withWorkflow already but does not select ${WORLD_MODULE} as the World` };
  }
  const source = parseSource(text);
  if (!source) return NOT_PARSED;
  const exported = findExportedValue(source);
  if ('reason' in exported) return { kind: 'manual', reason: exported.reason };
  const externals = externalsSplice(source, exported);
  if (typeof externals === 'string') return { kind: 'manual', reason: externals };
  const q = source.quote;
  const importLine =
    exported.format === 'esm'
      ? `import { withWorkflow } from ${q}workflow/next${q};`
      : `const { withWorkflow } = require(${q}workflow/next${q});`;
  const selectWorld = [
    '',
    `// The Workflow SDK's World: Cloud Tasks for its queue (${WORLD_MODULE}), chosen before withWorkflow`,
    `// runs, which picks its own local World when this is unset.`,
    `process.env.WORKFLOW_TARGET_WORLD ??= ${q}${WORLD_MODULE}${q};`,
  ].join('\n');
  // The selection goes right after the imports: after the import line this edit adds too.
  const imports = addImportLine(source, importLine);
  const splices = [...wrapInCall(source, exported, 'withWorkflow'), { ...imports, insert: `${imports.insert}${selectWorld}\n` }];
  return { kind: 'edited', text: applySplices(text, externals ? [...splices, externals] : splices) };
}

/** The lines init --workflow adds at the end of `register()`, indented by `indent`. */
export function registerWorkflowBlock(indent = '  ', q = "'"): string {
  return [
    `// The Workflow SDK's World is Cloud Tasks (${WORLD_MODULE}) in this process, a standalone build`,
    `// included; its settings are checked now, not at the first run.`,
    `if (process.env.NEXT_RUNTIME === ${q}nodejs${q}) {`,
    `  const { registerWorkflowWorld } = await import(${q}${WORLD_MODULE}${q});`,
    `  await registerWorkflowWorld();`,
    `}`,
  ]
    .map((line) => indent + line)
    .join('\n');
}

/** instrumentation: the registerWorkflowWorld() block goes last in an exported async `register()` (init has written one). */
export function addRegisterWorkflowWorld(text: string): EditResult {
  if (text.includes('registerWorkflowWorld')) return { kind: 'unchanged' };
  const source = parseSource(text);
  if (!source) return NOT_PARSED;
  const register = findExportedFunction(source, 'register');
  if (!register) return { kind: 'manual', reason: 'it has no exported register() function that init can edit' };
  if (!register.async) return { kind: 'manual', reason: 'its register() is not async, and init will not change its type' };
  const statements = (register.body as { body: { type: string }[] }).body;
  if (statements.at(-1)?.type === 'ReturnStatement') return { kind: 'manual', reason: 'its register() ends with a return' };
  const block = registerWorkflowBlock(bodyIndent(source, register), source.quote);
  return { kind: 'edited', text: applySplices(text, [appendToFunction(source, register, block)]) };
}

/** The queue.yaml entries of the two workflow queues. */
export const WORKFLOW_QUEUE_YAML = `
# The Workflow SDK's messages (${WORLD_MODULE}): workflow-flows wakes workflow functions up (a
# run's start, after each step, after a sleep), workflow-steps runs steps. The SDK counts
# deliveries itself, so Cloud Tasks' retries (after a crash or a 5xx) are not limited here.
- name: workflow-flows
  rate: 100/s
  retry_parameters:
    min_backoff_seconds: 1
    max_backoff_seconds: 60

- name: workflow-steps
  rate: 100/s
  retry_parameters:
    min_backoff_seconds: 1
    max_backoff_seconds: 60
`;

/**
 * queue.yaml: the workflow queues appended to the queue list when neither is there. The result is
 * parsed again, so a file whose list is not last (or that does not validate) is left to the user.
 */
export function addWorkflowQueues(text: string, file = 'queue.yaml'): EditResult {
  let names: string[];
  try {
    names = parseQueueYaml(text, file).queues.map((queue) => queue.name);
  } catch (error) {
    return { kind: 'manual', reason: `it does not validate: ${(error as Error).message}` };
  }
  const missing = WORKFLOW_QUEUES.filter((name) => !names.includes(name));
  if (!missing.length) return { kind: 'unchanged' };
  if (missing.length < WORKFLOW_QUEUES.length) return { kind: 'manual', reason: `it has one workflow queue; add ${missing.join(', ')}` };
  const edited = `${text.trimEnd()}\n${WORKFLOW_QUEUE_YAML}`;
  try {
    const after = parseQueueYaml(edited, file).queues.map((queue) => queue.name);
    if (WORKFLOW_QUEUES.every((name) => after.includes(name))) return { kind: 'edited', text: edited };
  } catch {
    // falls through: appending did not give a valid file
  }
  return { kind: 'manual', reason: 'its queue list is not at the end of the file, where init appends' };
}

/** A path the Workflow SDK's queue delivers to, for testing a proxy's matcher. */
const WORKFLOW_PATH = WORKFLOW_ROUTES.step;
const WORKFLOW_EXCLUSION = '.well-known/workflow/';

/**
 * proxy.ts / middleware.ts: the workflow routes (`/.well-known/workflow/`) out of its matcher. A
 * redirect to a login page there would fail every flow and step task, and the webhook route must
 * stay public.
 */
export const excludeWorkflowRoutes = (text: string) => excludeFromMatcher(text, WORKFLOW_PATH, WORKFLOW_EXCLUSION, 'the workflow routes');
