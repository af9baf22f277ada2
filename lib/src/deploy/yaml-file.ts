import { readFileSync } from 'node:fs';
import { LineCounter, type Node, parseDocument } from 'yaml';
import type { YamlFileErrorClass } from './errors.js';
import { ProblemCollector, type YamlProblem } from './problems.js';

/**
 * Parses YAML text (duplicate keys refused) into its root node and the collector its validation
 * adds to; a YAML syntax error throws `FileError` with every syntax problem, each at its place.
 */
export function parseYamlText(
  text: string,
  file: string,
  FileError: YamlFileErrorClass,
): { root: Node | null; problems: ProblemCollector } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems = new ProblemCollector(file, lines);
  for (const err of doc.errors) {
    problems.problems.push({ ...problems.atOffset(err.pos[0]), message: `YAML syntax: ${err.message.split('\n')[0]}`, severity: 'error' });
  }
  if (doc.errors.length > 0) throw new FileError(file, problems.problems);
  return { root: doc.contents as Node | null, problems };
}

/** The file's text (read synchronously: these files are read once); one that cannot be read throws `FileError` naming it. */
export function readYamlFile(path: string, FileError: YamlFileErrorClass): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String((err as Error).message);
    throw new FileError(path, [
      {
        file: path,
        line: 1,
        column: 1,
        message: `cannot read ${path} (${reason}): create it, or point to it with --file`,
        severity: 'error',
      },
    ]);
  }
}

/**
 * Parses and validates a whole file: `validate` reads the root node, reporting every problem at
 * its place. Any error throws `FileError` with all of them; else what `validate` returned, and the warnings.
 */
export function parseYamlFile<T>(
  text: string,
  file: string,
  FileError: YamlFileErrorClass,
  validate: (root: Node | null, problems: ProblemCollector) => T,
): { value: T; warnings: YamlProblem[] } {
  const { root, problems } = parseYamlText(text, file, FileError);
  const value = validate(root, problems);
  if (problems.errorCount > 0) throw new FileError(file, problems.problems);
  return { value, warnings: problems.problems.filter((p) => p.severity === 'warning') };
}
