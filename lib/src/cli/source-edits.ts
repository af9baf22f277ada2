/**
 * Edits of a user's JavaScript or TypeScript module (next.config, instrumentation), on a real
 * parse: magicast (Babel's parser, TypeScript syntax included) finds the nodes, and each edit is
 * spliced into the text at their offsets. Splicing rather than reprinting the tree keeps the rest
 * of the user's file byte for byte as they wrote it: recast's reprint moves comments and blank
 * lines around inserted statements. The helpers are general (add an import, wrap the exported
 * config in a call, put statements first in an exported function) so that other wrappers can
 * reuse them.
 */
import { parseModule } from 'magicast';

/** A parsed node: what these edits read of Babel's AST (positions and a few fields, by type). */
export interface SourceNode {
  type: string;
  start: number;
  end: number;
  [field: string]: unknown;
}

interface Comment {
  type: 'CommentLine' | 'CommentBlock';
  start: number;
  end: number;
  leading?: boolean;
  trailing?: boolean;
}

export interface ParsedSource {
  text: string;
  /** The program's top-level statements. */
  body: SourceNode[];
  /** Its directives ('use strict'). */
  directives: SourceNode[];
  /** The quote its imports use, for the lines we add: single unless the file uses double. */
  quote: "'" | '"';
}

/** A change of the text: `remove` characters at `at` replaced by `insert`. */
export interface Splice {
  at: number;
  remove?: number;
  insert: string;
}

/** Parses a module; undefined when it does not parse (the caller leaves the file alone). */
export function parseSource(text: string): ParsedSource | undefined {
  let program: { body: SourceNode[]; directives?: SourceNode[] };
  try {
    program = parseModule(text).$ast as unknown as typeof program;
  } catch {
    return undefined;
  }
  const firstSpecifier = /(?:from\s+|require\(\s*|import\(\s*)(['"])/.exec(text)?.[1];
  return { text, body: program.body, directives: program.directives ?? [], quote: firstSpecifier === '"' ? '"' : "'" };
}

/** Applies splices given in any order (each at offsets of the original text). */
export function applySplices(text: string, splices: readonly Splice[]): string {
  let out = text;
  for (const { at, remove = 0, insert } of [...splices].sort((a, b) => b.at - a.at))
    out = out.slice(0, at) + insert + out.slice(at + remove);
  return out;
}

const commentsOf = (node: SourceNode) => (node.comments ?? []) as Comment[];

/** The offset just past the line that holds `offset` (past its newline), or the text's end. */
function nextLineStart(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline < 0 ? text.length : newline + 1;
}

const isRequireCall = (node: unknown): boolean => {
  const call = node as { type?: string; callee?: { type?: string; name?: string } } | undefined;
  if (call?.type !== 'CallExpression') return false;
  return (call.callee?.type === 'Identifier' && call.callee.name === 'require') || isRequireCall(call.callee);
};

/** A top-level `import ...` or `const x = require(...)` (also `require(...)()`). */
function isImportStatement(node: SourceNode): boolean {
  if (node.type === 'ImportDeclaration') return true;
  if (node.type !== 'VariableDeclaration') return false;
  return (node.declarations as { init?: unknown }[]).some((declaration) => isRequireCall(declaration.init));
}

/**
 * Where a new import line goes: after the last top-level import or require (and a comment on its
 * line), else after the file's opening line comments and directives (`// @ts-check`, 'use strict'),
 * else at the top.
 */
function importOffset(source: ParsedSource): number {
  const imports = source.body.filter(isImportStatement);
  const last = imports.at(-1);
  if (last) {
    const sameLine = commentsOf(last).filter((c) => c.trailing && !source.text.slice(last.end, c.start).includes('\n'));
    return nextLineStart(source.text, Math.max(last.end, ...sameLine.map((c) => c.end)));
  }
  let end = source.directives.at(-1)?.end ?? -1;
  const first = source.body[0];
  for (const comment of first ? commentsOf(first) : []) {
    if (!comment.leading || comment.type !== 'CommentLine' || comment.start < end) continue;
    if (source.text.slice(Math.max(end, 0), comment.start).trim()) break;
    end = comment.end;
  }
  return end < 0 ? 0 : nextLineStart(source.text, end);
}

/** Adds `line` (an import or require statement) where imports go. */
export function addImportLine(source: ParsedSource, line: string): Splice {
  const at = importOffset(source);
  const glue = at > 0 && source.text[at - 1] !== '\n' ? '\n' : '';
  return { at, insert: `${glue}${line}\n` };
}

/** What a module exports as its default: the expression and its statement, ESM or CommonJS. */
export interface ExportedValue {
  format: 'esm' | 'cjs';
  expression: SourceNode;
  statement: SourceNode;
}

const isModuleExports = (node: unknown): boolean => {
  const member = node as { type?: string; object?: { name?: string }; property?: { name?: string } };
  return member.type === 'MemberExpression' && member.object?.name === 'module' && member.property?.name === 'exports';
};

/** The module's one `export default X` or `module.exports = X`; a reason when it has none, or both. */
export function findExportedValue(source: ParsedSource): ExportedValue | { reason: string } {
  const found: ExportedValue[] = [];
  for (const statement of source.body) {
    if (statement.type === 'ExportDefaultDeclaration') {
      found.push({ format: 'esm', statement, expression: statement.declaration as SourceNode });
    }
    const assignment = statement.expression as { type?: string; left?: unknown; right?: SourceNode } | undefined;
    if (statement.type === 'ExpressionStatement' && assignment?.type === 'AssignmentExpression' && isModuleExports(assignment.left)) {
      found.push({ format: 'cjs', statement, expression: assignment.right! });
    }
  }
  if (found.length !== 1) return { reason: 'it has neither one `export default ...` nor one `module.exports = ...` to wrap' };
  return found[0];
}

/** `X` becomes `callee(X)`, and its statement ends with `;` (a default-exported function declaration included). */
export function wrapInCall(source: ParsedSource, { expression, statement }: ExportedValue, callee: string): Splice[] {
  const needsSemicolon = source.text[statement.end - 1] !== ';' || statement.end === expression.end;
  return [
    { at: expression.start, insert: `${callee}(` },
    { at: expression.end, insert: needsSemicolon ? ');' : ')' },
  ];
}

/** A function the module exports by `name`: `export [async] function name` or `export const name = [async] (...) => {}` / function. */
export function findExportedFunction(source: ParsedSource, name: string): SourceNode | undefined {
  for (const statement of source.body) {
    const declaration = statement.type === 'ExportNamedDeclaration' ? (statement.declaration as SourceNode | null) : undefined;
    if (!declaration) continue;
    if (declaration.type === 'FunctionDeclaration' && (declaration.id as { name?: string })?.name === name) return declaration;
    if (declaration.type !== 'VariableDeclaration') continue;
    for (const variable of declaration.declarations as { id: { name?: string }; init?: SourceNode }[]) {
      const isFunction = variable.init && /^(?:Arrow)?FunctionExpression$/.test(variable.init.type);
      if (variable.id.name === name && isFunction && (variable.init!.body as SourceNode).type === 'BlockStatement') return variable.init;
    }
  }
  return undefined;
}

/** Whether the module exports `name` in any form (`export { name }`, a re-export, ...). */
export function exportsName(source: ParsedSource, name: string): boolean {
  return source.body.some(
    (statement) =>
      statement.type === 'ExportNamedDeclaration' &&
      ((statement.specifiers ?? []) as { exported: { name?: string; value?: string } }[]).some(
        (specifier) => (specifier.exported.name ?? specifier.exported.value) === name,
      ),
  );
}

/** The indentation of a function body's first statement, or two spaces. */
export function bodyIndent(source: ParsedSource, fn: SourceNode): string {
  const [first] = (fn.body as { body: SourceNode[] }).body;
  if (!first) return '  ';
  const lineStart = source.text.lastIndexOf('\n', first.start - 1) + 1;
  return /^[^\S\n]*/.exec(source.text.slice(lineStart))![0] || '  ';
}

/**
 * `lines` (already indented) go first in the function's body, and the function is made async (they
 * may await). The body's own code follows unchanged.
 */
export function prependToFunction(source: ParsedSource, fn: SourceNode, lines: string): Splice[] {
  const body = fn.body as SourceNode & { body: SourceNode[] };
  const open = body.start + 1;
  const rest = source.text.slice(open, body.end - 1);
  // Replaced: the rest of the opening line when blank, or an empty body (`{}`, `{ }`).
  const blank = rest.trim() ? (/^[^\S\n]*\n/.exec(rest)?.[0].length ?? 0) : rest.length;
  const splices: Splice[] = [{ at: open, remove: blank, insert: `\n${lines}\n` }];
  if (!fn.async) splices.push({ at: fn.start, insert: 'async ' });
  return splices;
}

/** `lines` (already indented) go last in the function's body, on their own lines before its closing brace. */
export function appendToFunction(source: ParsedSource, fn: SourceNode, lines: string): Splice {
  const body = fn.body as SourceNode & { body: SourceNode[] };
  const last = body.body.at(-1);
  if (!last) return prependToFunction(source, fn, lines)[0];
  const comments = commentsOf(last).filter((c) => c.trailing && !source.text.slice(last.end, c.start).includes('\n'));
  const end = Math.max(last.end, ...comments.map((c) => c.end));
  return { at: end, insert: `\n${lines}` };
}

/** Follows `callee(X)`, `X satisfies T`, `X as T` and `const X = ...` to the object literal a config is. */
function configObject(source: ParsedSource, node: SourceNode | undefined, depth = 0): SourceNode | undefined {
  if (!node || depth > 8) return undefined;
  switch (node.type) {
    case 'ObjectExpression':
      return node;
    case 'CallExpression':
      return configObject(source, (node.arguments as SourceNode[])[0], depth + 1);
    case 'TSSatisfiesExpression':
    case 'TSAsExpression':
    case 'ParenthesizedExpression':
      return configObject(source, node.expression as SourceNode, depth + 1);
    case 'Identifier': {
      const name = node.name as string;
      for (const statement of source.body) {
        if (statement.type !== 'VariableDeclaration') continue;
        for (const variable of statement.declarations as { id: { name?: string }; init?: SourceNode }[]) {
          if (variable.id.name === name) return configObject(source, variable.init, depth + 1);
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** A property of the exported config object: its value's text when set, and where a new one goes. */
export type ConfigProperty =
  | { found: true; value: string; /** Offset just past the value. */ end: number }
  | { found: false; add(valueText: string): Splice }
  | { reason: string };

/** Finds `key` in the object the module exports as its config (through wrappers and a variable). */
export function findConfigProperty(source: ParsedSource, exported: ExportedValue, key: string): ConfigProperty {
  const object = configObject(source, exported.expression);
  if (!object) return { reason: 'its exported config is not an object literal (or a variable holding one) that init can read' };
  const properties = object.properties as (SourceNode & { key?: { name?: string; value?: string }; value?: SourceNode })[];
  const property = properties.find((p) => p.type === 'ObjectProperty' && (p.key?.name ?? p.key?.value) === key);
  if (property?.value) return { found: true, value: source.text.slice(property.value.start, property.value.end), end: property.value.end };
  return {
    found: false,
    add(valueText) {
      const [first] = properties;
      if (!first) return { at: object.start + 1, remove: object.end - object.start - 2, insert: ` ${key}: ${valueText} ` };
      const lineStart = source.text.lastIndexOf('\n', first.start - 1) + 1;
      const indent = /^[^\S\n]*/.exec(source.text.slice(lineStart))![0];
      const multiline = source.text.slice(object.start, first.start).includes('\n');
      return multiline
        ? { at: object.start + 1, insert: `\n${indent}${key}: ${valueText},` }
        : { at: object.start + 1, insert: ` ${key}: ${valueText},` };
    },
  };
}
