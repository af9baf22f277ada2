/**
 * The edits `next-cloud-tasks init` makes to files the app already has: next.config wrapped with
 * withCloudTasks, registerDeferred() merged into instrumentation's register(), lines added to
 * .gitignore. Each is a pure function of the file's text, so it is tested without a disk. A file
 * these cannot edit safely (a form they do not recognise) is left alone: the result says what to
 * add by hand instead.
 */

/** What an edit did: the new text, nothing (already there), or what the user must do by hand. */
export type EditResult = { kind: 'edited'; text: string } | { kind: 'unchanged' } | { kind: 'manual'; reason: string };

/** The file's quote for new import lines: the one its imports or requires use, else single. */
function quoteOf(source: string): string {
  const match = /(?:from\s+|require\(\s*|import\(\s*)(['"])/.exec(source);
  return match?.[1] ?? "'";
}

/** Where an inserted line goes: after the file's last top-level import or require, else at the top (after `// @ts-check`-like lines). */
function afterImportsOffset(source: string): number {
  let end = -1;
  const importFrom = String.raw`import\s[\s\S]*?['"][^'"\n]+['"]`;
  const requireCall = String.raw`(?:const|let|var)\s[^\n;]*=\s*require\(\s*['"][^'"\n]+['"]\s*\)[^\n;]*`;
  const statement = new RegExp(String.raw`^(?:${importFrom}|${requireCall});?[^\S\n]*(?:\/\/[^\n]*)?$`, 'gm');
  for (const match of source.matchAll(statement)) end = match.index + match[0].length;
  if (end >= 0) return end + 1 > source.length ? source.length : end + 1;
  const leading = /^(?:(?:\/\/[^\n]*|['"]use strict['"];?)[^\S\n]*\n)*/.exec(source);
  return leading ? leading[0].length : 0;
}

function insertLine(source: string, offset: number, line: string): string {
  const before = source.slice(0, offset);
  const glue = before.length && !before.endsWith('\n') ? '\n' : '';
  return `${before}${glue}${line}\n${source.slice(offset)}`;
}

/**
 * The end of the expression that starts at `start`: the first `;` at nesting depth 0, or a line
 * break at depth 0 after which the code does not go on (no operator carries it over), or the
 * end of the file. Strings, template literals and comments are skipped. Returns the offsets of
 * the expression's end (after its last code character) and of the statement's end (after `;`).
 */
export function findExpressionEnd(source: string, start: number): { end: number; statementEnd: number } {
  let depth = 0;
  let lastCode = start;
  const continues = (from: number) => {
    const before = source.slice(start, lastCode).trimEnd();
    if (!before || /(?:=>|[,(\[{+\-*/%?:|&=.!<>]|\b(?:satisfies|as|new|typeof|await))$/.test(before)) return true;
    const rest = source.slice(from).replace(/^(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)+/, '');
    return /^(?:[.?:)\]}+\-*/%|&,=<>]|satisfies\b|as\b)/.test(rest) && !/^(?:\+\+|--)/.test(rest);
  };
  for (let i = start; i < source.length; i++) {
    const c = source[i];
    if (c === '/' && source[i + 1] === '/') {
      i = source.indexOf('\n', i) - 1;
      if (i < 0) break;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      const close = source.indexOf('*/', i + 2);
      i = close < 0 ? source.length : close + 1;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      i = j;
      lastCode = j + 1;
      continue;
    }
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    if (depth === 0 && c === ';') return { end: lastCode, statementEnd: i + 1 };
    if (depth === 0 && c === '\n' && !continues(i)) return { end: lastCode, statementEnd: lastCode };
    if (!/\s/.test(c)) lastCode = i + 1;
  }
  return { end: lastCode, statementEnd: lastCode };
}

const CONFIG_WRAPPER = 'withCloudTasks';

/**
 * next.config (.js, .mjs, .ts): `export default X` or `module.exports = X` becomes
 * `withCloudTasks(X)`, with the import (or require) of `next-cloud-tasks/config` added.
 */
export function wrapNextConfig(source: string): EditResult {
  if (source.includes(CONFIG_WRAPPER)) return { kind: 'unchanged' };
  const q = quoteOf(source);
  const esm = /^export\s+default\s+/m.exec(source);
  const cjs = /^module\.exports\s*=\s*/m.exec(source);
  const found = esm ?? cjs;
  if (!found || (esm && cjs)) {
    return { kind: 'manual', reason: 'it has neither one `export default ...` nor one `module.exports = ...` to wrap' };
  }
  const start = found.index + found[0].length;
  const { end, statementEnd } = findExpressionEnd(source, start);
  const expression = source.slice(start, end).trim();
  if (!expression) return { kind: 'manual', reason: 'its exported config could not be read' };
  const wrapped = `${source.slice(0, start)}${CONFIG_WRAPPER}(${expression});${source.slice(statementEnd)}`;
  const importLine = esm
    ? `import { ${CONFIG_WRAPPER} } from ${q}next-cloud-tasks/config${q};`
    : `const { ${CONFIG_WRAPPER} } = require(${q}next-cloud-tasks/config${q});`;
  return { kind: 'edited', text: insertLine(wrapped, afterImportsOffset(wrapped), importLine) };
}

/** The lines init puts in `register()`, indented by `indent`. Kept as this repo's instrumentation.ts has them. */
export function registerDeferredBlock(indent = '  ', q = "'"): string {
  return [
    `// next-cloud-tasks: checks the adapter's configuration at start and answers tasks in flight at SIGTERM.`,
    `// Node.js only: importing inside the check keeps Node-only code out of the Edge bundle.`,
    `if (process.env.NEXT_RUNTIME === ${q}nodejs${q}) {`,
    `  const { registerDeferred } = await import(${q}next-cloud-tasks/next${q});`,
    `  registerDeferred();`,
    `}`,
  ]
    .map((line) => indent + line)
    .join('\n');
}

/** A whole instrumentation file, for an app that has none. */
export function instrumentationFile(): string {
  return [
    '/**',
    ' * Next.js calls `register()` once when a server starts, before it serves requests',
    ' * (https://nextjs.org/docs/app/api-reference/file-conventions/instrumentation).',
    ' */',
    'export async function register() {',
    registerDeferredBlock(),
    '}',
    '',
  ].join('\n');
}

/**
 * instrumentation (.ts, .js): the registerDeferred() block goes first in an existing `register()`
 * (made async when it is a plain function without a return type), or a `register()` is appended.
 */
export function addRegisterDeferred(source: string): EditResult {
  if (source.includes('registerDeferred')) return { kind: 'unchanged' };
  const q = quoteOf(source);
  const declaration =
    /^(export\s+)(async\s+)?(function\s+register\s*\([^)]*\)\s*)(:\s*[^{]+?\s*)?\{[^\S\n]*\n?/m.exec(source) ??
    /^(export\s+const\s+register\s*=\s*)(async\s*)?(\([^)]*\)\s*)(:\s*[^=]+?\s*)?=>\s*\{[^\S\n]*\n?/m.exec(source);
  if (declaration) {
    const [whole, prefix, isAsync, signature, returnType] = declaration;
    if (!isAsync && returnType) {
      const returns = returnType.replace(/^:\s*/, '').trim();
      return { kind: 'manual', reason: `its register() is not async (returns ${returns}), and init will not change its type` };
    }
    const bodyStart = declaration.index + whole.length;
    const indent = /^([^\S\n]*)\S/m.exec(source.slice(bodyStart))?.[1] || '  ';
    const head = isAsync ? whole : whole.replace(prefix + signature, `${prefix}async ${signature}`);
    const glue = head.endsWith('\n') ? '' : '\n';
    const block = `${registerDeferredBlock(indent, q)}\n`;
    return { kind: 'edited', text: `${source.slice(0, declaration.index)}${head}${glue}${block}${source.slice(bodyStart)}` };
  }
  if (/\bregister\b/.test(source) && /\bexport\b[^\n]*\bregister\b|export\s*\{[^}]*\bregister\b/.test(source)) {
    return { kind: 'manual', reason: 'it exports a register() in a form init does not edit' };
  }
  const separator = source.endsWith('\n') || !source ? '' : '\n';
  return { kind: 'edited', text: `${source}${separator}\nexport async function register() {\n${registerDeferredBlock('  ', q)}\n}\n` };
}

/** The .gitignore lines init adds. */
export const GITIGNORE_LINES = ['.cloud-tasks-emulator/'] as const;

/** Appends the lines .gitignore lacks (a line counts as there with or without its leading or trailing slash). */
export function addGitignoreLines(source: string): EditResult {
  const normalise = (line: string) => line.trim().replace(/^\//, '').replace(/\/$/, '');
  const present = new Set(source.split('\n').map(normalise));
  const missing = GITIGNORE_LINES.filter((line) => !present.has(normalise(line)));
  if (!missing.length) return { kind: 'unchanged' };
  const separator = !source ? '' : source.endsWith('\n') ? '\n' : '\n\n';
  return { kind: 'edited', text: `${source}${separator}# next-cloud-tasks: the local emulator's state\n${missing.join('\n')}\n` };
}
