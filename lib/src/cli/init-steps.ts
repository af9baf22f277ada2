/**
 * What each of init's steps is (a file and what happened to it) and the file operations they
 * share: write a new file, edit an existing one or say what to add by hand.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EditResult } from './init-edits.js';
import type { AppLayout } from './init-layout.js';

export type InitAction = 'created' | 'updated' | 'unchanged' | 'skipped';

export interface InitStep {
  /** The file, relative to the app's folder. */
  file: string;
  action: InitAction;
  /** What the file is for, or what init did to it. */
  what: string;
  /** What the user must do by hand (skipped steps). */
  manual?: string;
}

/** Writes `text` to a new file (and its folders). */
export function writeNew(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export const read = (path: string) => readFileSync(path, 'utf8');
export const firstExisting = (dir: string, names: string[]) => names.find((name) => existsSync(join(dir, name)));

/** Applies a text edit to an existing file, or says what to do by hand. */
export function editStep(layout: AppLayout, file: string, edit: (text: string) => EditResult, done: string, manual: string): InitStep {
  const path = join(layout.dir, file);
  const result = edit(read(path));
  if (result.kind === 'unchanged') return { file, action: 'unchanged', what: 'set up already' };
  if (result.kind === 'manual') return { file, action: 'skipped', what: `left alone: ${result.reason}`, manual };
  writeFileSync(path, result.text);
  return { file, action: 'updated', what: done };
}

/** `text` indented by `by` (blank lines kept blank), for code shown in init's report. */
export function indent(text: string, by = '    '): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => (line ? by + line : line))
    .join('\n');
}

/** A file init writes whole: created when absent, unchanged when identical, else left alone with what to write. */
export function wholeFileStep(layout: AppLayout, file: string, text: string, what: string): InitStep {
  const path = join(layout.dir, file);
  if (!existsSync(path)) {
    writeNew(path, text);
    return { file, action: 'created', what };
  }
  if (read(path) === text) return { file, action: 'unchanged', what };
  return { file, action: 'skipped', what: 'exists with other content', manual: `Compare it with this one (${what}):\n${indent(text)}` };
}
