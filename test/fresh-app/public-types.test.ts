/**
 * The public surface, as the built package declares it (lib/dist's .d.ts, read with the
 * TypeScript compiler): a user can name every type that a public signature of these entries uses
 * without a private import, and `./internals` is gone. docs/API.md lists what each entry exports.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../helpers/next-server';

const LIB = join(ROOT, 'lib');
const DIST = join(LIB, 'dist');
/** The entries whose surface issue 21's core work package chose; ./queues, ./cron and ./emulator are trimmed elsewhere. */
const CHECKED = ['.', './next', './config', './testing', './testing/msw', './jest'];
/** Their type arguments only narrow a union the user names through the alias itself (`TaskOutcome = Extract<Outcome, ...>`). */
const NARROWING = new Set(['Extract', 'Exclude']);

const exportsMap: Record<string, string | { types: string }> = JSON.parse(readFileSync(join(LIB, 'package.json'), 'utf8')).exports;
const entries = Object.entries(exportsMap).filter((entry): entry is [string, { types: string }] => typeof entry[1] === 'object');
const program = ts.createProgram(
  entries.map(([, target]) => join(LIB, target.types)),
  { skipLibCheck: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
);
const checker = program.getTypeChecker();
const real = (symbol: ts.Symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
const exportsOf = (types: string) => checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(join(LIB, types))!)!);

test('no ./internals entry', () => {
  expect(Object.keys(exportsMap)).not.toContain('./internals');
});

test('every type a public signature of the checked entries uses can be imported from a public entry', () => {
  const nameable = new Set(entries.flatMap(([, target]) => exportsOf(target.types).map(real)));
  const unnamed = new Map<string, Set<string>>();
  const seen = new Set<ts.Symbol>();
  const ownDeclaration = (symbol: ts.Symbol) => symbol.declarations?.find((d) => d.getSourceFile().fileName.startsWith(DIST));

  function visitNode(node: ts.Node, user: string): void {
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && NARROWING.has(node.typeName.text)) return;
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const target = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
      const symbol = checker.getSymbolAtLocation(target);
      const resolved = symbol && real(symbol);
      const declaration = resolved && ownDeclaration(resolved);
      if (resolved && declaration && !(resolved.flags & ts.SymbolFlags.TypeParameter) && !nameable.has(resolved)) {
        const key = `${resolved.name} (${relative(DIST, declaration.getSourceFile().fileName)})`;
        unnamed.set(key, (unnamed.get(key) ?? new Set()).add(user));
      }
    }
    ts.forEachChild(node, (child) => visitNode(child, user));
  }

  function visitSymbol(symbol: ts.Symbol, user: string): void {
    if (seen.has(symbol)) return;
    seen.add(symbol);
    for (const declaration of symbol.declarations ?? []) {
      if (!declaration.getSourceFile().fileName.startsWith(DIST)) continue;
      if (!ts.isClassDeclaration(declaration)) {
        visitNode(declaration, user);
        continue;
      }
      // A class's private and protected members are not part of what a user calls.
      const hidden = ts.ModifierFlags.Private | ts.ModifierFlags.Protected;
      for (const member of declaration.members) {
        if (!(ts.getCombinedModifierFlags(member) & hidden) && !(member.name && ts.isPrivateIdentifier(member.name)))
          visitNode(member, user);
      }
      declaration.heritageClauses?.forEach((clause) => visitNode(clause, user));
    }
  }

  for (const [entry, target] of entries.filter(([name]) => CHECKED.includes(name))) {
    for (const symbol of exportsOf(target.types)) visitSymbol(real(symbol), `${entry} ${symbol.name}`);
  }
  expect(Object.fromEntries([...unnamed].map(([type, users]) => [type, [...users]]))).toEqual({});
});
