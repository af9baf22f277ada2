/**
 * The edits `next-cloud-tasks init` makes to files the app already has: next.config wrapped with
 * withCloudTasks, registerDeferred() merged into instrumentation's register(), lines added to
 * .gitignore, the task URLs excluded from the proxy's matcher. Each is a pure function of the file's text, so it is tested without a disk. The
 * modules are parsed (source-edits.ts); a file that does not parse, or a form these do not
 * recognise, is left alone: the result says what to add by hand instead.
 */
import {
  addImportLine,
  applySplices,
  bodyIndent,
  exportsName,
  findExportedFunction,
  findConfigProperty,
  findExportedValue,
  parseSource,
  prependToFunction,
  wrapInCall,
  type Splice,
} from './source-edits.js';
import { matcherCatches, MATCHER_PROPERTY, STRING_LITERAL, TASK_PATH } from './proxy-check.js';

/** What an edit did: the new text, nothing (already there), or what the user must do by hand. */
export type EditResult = { kind: 'edited'; text: string } | { kind: 'unchanged' } | { kind: 'manual'; reason: string };

const NOT_PARSED: EditResult = { kind: 'manual', reason: 'it does not parse as JavaScript or TypeScript' };

const CONFIG_WRAPPER = 'withCloudTasks';

/**
 * next.config (.js, .mjs, .ts): `export default X` or `module.exports = X` becomes
 * `withCloudTasks(X)`, with the import (or require) of `next-cloud-tasks/config` added.
 */
export function wrapNextConfig(text: string): EditResult {
  if (text.includes(CONFIG_WRAPPER)) return { kind: 'unchanged' };
  const source = parseSource(text);
  if (!source) return NOT_PARSED;
  const exported = findExportedValue(source);
  if ('reason' in exported) return { kind: 'manual', reason: exported.reason };
  const q = source.quote;
  const importLine =
    exported.format === 'esm'
      ? `import { ${CONFIG_WRAPPER} } from ${q}next-cloud-tasks/config${q};`
      : `const { ${CONFIG_WRAPPER} } = require(${q}next-cloud-tasks/config${q});`;
  return { kind: 'edited', text: applySplices(text, [...wrapInCall(source, exported, CONFIG_WRAPPER), addImportLine(source, importLine)]) };
}

/**
 * The lines init puts in `register()`, indented by `indent`. Kept as this repo's instrumentation.ts
 * has them. With `manifestImport` (the module the task route imports its manifest from), defer()
 * refuses a function the route does not serve, at the call instead of at delivery.
 */
export function registerDeferredBlock(indent = '  ', q = "'", manifestImport?: string): string {
  const manifest = manifestImport
    ? [
        `  // The task route's manifest: defer() then refuses a function missing from it, at the call.`,
        `  const { manifest } = await import(${q}${manifestImport}${q});`,
        `  registerDeferred({ manifest });`,
      ]
    : [`  registerDeferred();`];
  return [
    `// next-cloud-tasks: checks the adapter's configuration at start and answers tasks in flight at SIGTERM.`,
    `// Node.js only: importing inside the check keeps Node-only code out of the Edge bundle.`,
    `if (process.env.NEXT_RUNTIME === ${q}nodejs${q}) {`,
    `  const { registerDeferred } = await import(${q}next-cloud-tasks/next${q});`,
    ...manifest,
    `}`,
  ]
    .map((line) => indent + line)
    .join('\n');
}

/** A whole instrumentation file, for an app that has none. */
export function instrumentationFile(manifestImport?: string): string {
  return [
    '/**',
    ' * Next.js calls `register()` once when a server starts, before it serves requests',
    ' * (https://nextjs.org/docs/app/api-reference/file-conventions/instrumentation).',
    ' */',
    'export async function register() {',
    registerDeferredBlock('  ', "'", manifestImport),
    '}',
    '',
  ].join('\n');
}

/**
 * instrumentation (.ts, .js): the registerDeferred() block goes first in an exported `register()`
 * (made async when it is a plain function without a return type), or a `register()` is appended.
 */
export function addRegisterDeferred(text: string, manifestImport?: string): EditResult {
  if (text.includes('registerDeferred')) return { kind: 'unchanged' };
  const source = parseSource(text);
  if (!source) return NOT_PARSED;
  const register = findExportedFunction(source, 'register');
  if (register) {
    const returnType = register.returnType as { start: number; end: number } | undefined;
    if (!register.async && returnType) {
      const returns = text.slice(returnType.start, returnType.end).replace(/^:\s*/, '').trim();
      return { kind: 'manual', reason: `its register() is not async (returns ${returns}), and init will not change its type` };
    }
    const block = registerDeferredBlock(bodyIndent(source, register), source.quote, manifestImport);
    return { kind: 'edited', text: applySplices(text, prependToFunction(source, register, block)) };
  }
  if (exportsName(source, 'register') || /\bexport\b[^\n]*\bregister\b/.test(text)) {
    return { kind: 'manual', reason: 'it exports a register() in a form init does not edit' };
  }
  const separator = text.endsWith('\n') || !text ? '' : '\n';
  const q = source.quote;
  return {
    kind: 'edited',
    text: `${text}${separator}\nexport async function register() {\n${registerDeferredBlock('  ', q, manifestImport)}\n}\n`,
  };
}

/** The .gitignore lines init adds. */
export const GITIGNORE_LINES = ['.cloud-tasks-emulator/'] as const;

/**
 * Appends to an ignore file (.gitignore, .dockerignore) the lines it lacks, under a comment (a
 * line counts as there with or without its leading or trailing slash).
 */
export function addIgnoreLines(source: string, lines: readonly string[], comment: string): EditResult {
  const normalise = (line: string) => line.trim().replace(/^\//, '').replace(/\/$/, '');
  const present = new Set(source.split('\n').map(normalise));
  const missing = lines.filter((line) => !present.has(normalise(line)));
  if (!missing.length) return { kind: 'unchanged' };
  const separator = !source ? '' : source.endsWith('\n') ? '\n' : '\n\n';
  return { kind: 'edited', text: `${source}${separator}# ${comment}\n${missing.join('\n')}\n` };
}

/** .gitignore: the emulator's local state. */
export const addGitignoreLines = (source: string): EditResult =>
  addIgnoreLines(source, GITIGNORE_LINES, "next-cloud-tasks: the local emulator's state");

/** next.config: `output: 'standalone'` in the exported config object, which the Dockerfile ships. */
export function setStandaloneOutput(text: string): EditResult {
  const source = parseSource(text);
  if (!source) return NOT_PARSED;
  const exported = findExportedValue(source);
  if ('reason' in exported) return { kind: 'manual', reason: exported.reason };
  const output = findConfigProperty(source, exported, 'output');
  if ('reason' in output) return { kind: 'manual', reason: output.reason };
  if (output.found) {
    if (/^['"]standalone['"]$/.test(output.value)) return { kind: 'unchanged' };
    return { kind: 'manual', reason: `its config sets output: ${output.value}` };
  }
  return { kind: 'edited', text: applySplices(text, [output.add(`${source.quote}standalone${source.quote}`)]) };
}

/**
 * proxy.ts / middleware.ts: each matcher that catches `path` gets `exclusion` first in its
 * `(?!...)` list (as create-next-app's and Next's examples write them). A matcher without such a
 * list, or no matcher, is left to the user, with `routes` named in the reason.
 */
export function excludeFromMatcher(text: string, path: string, exclusion: string, routes: string): EditResult {
  const matcher = MATCHER_PROPERTY.exec(text);
  if (!matcher) return { kind: 'manual', reason: `it has no matcher, so it runs on every request, ${routes} included` };
  const listStart = matcher.index + matcher[0].length - matcher[1].length;
  const splices: Splice[] = [];
  for (const literal of matcher[1].matchAll(STRING_LITERAL)) {
    const raw = literal[1] ?? literal[2] ?? literal[3];
    if (!matcherCatches(raw.replace(/\\\\/g, '\\'), path)) continue;
    const lookahead = raw.indexOf('(?!');
    if (lookahead < 0) {
      return { kind: 'manual', reason: `its matcher ${JSON.stringify(raw)} catches ${path} and has no (?!...) list to exclude it in` };
    }
    splices.push({ at: listStart + literal.index + 1 + lookahead + 3, insert: `${exclusion}|` });
  }
  return splices.length ? { kind: 'edited', text: applySplices(text, splices) } : { kind: 'unchanged' };
}

/**
 * The task URLs (`/_ah/queue/`) out of the proxy's matcher. A typical auth proxy answers Cloud
 * Tasks' POST with a redirect to /login: the handler never runs and the task dead-letters. The
 * task route checks its caller itself (the OIDC token), so the proxy has nothing to add there.
 */
export const excludeTaskRoutes = (text: string) => excludeFromMatcher(text, TASK_PATH, '_ah/queue/', 'the task URLs (/_ah/queue/)');
