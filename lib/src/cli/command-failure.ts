/**
 * How the file-and-API commands (queues, cron, dead-letters) end on an error: one exit code per
 * kind of error (contract: exit-codes.ts's EXIT), a GitHub annotation per problem of an
 * invalid file, and with --json one JSON document on stdout. Anything else is a bug: rethrown, so
 * its stack trace shows.
 */
import type { SourcePosition } from '../queues/types.js';
import { EXIT } from './exit-codes.js';

/** The three kinds a command's errors come in, by what the error carries. */
export type CommandError =
  /** queue.yaml / cron.yaml is invalid: every problem, with its position. */
  | (Error & { kind: 'invalid-file'; problems: (SourcePosition & { severity: 'error' | 'warning'; message: string })[] })
  /** The command line was wrong. */
  | (Error & { kind: 'usage' })
  /** Google's API refused or failed a call. */
  | (Error & { kind: 'api'; code?: number; status?: number; hint: string });

const EXIT_OF = { 'invalid-file': EXIT.invalidOrDrift, usage: EXIT.usage, api: EXIT.api } as const;

export interface CommandIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const isCommandError = (err: unknown): err is CommandError =>
  err instanceof Error && Object.hasOwn(EXIT_OF, (err as { kind?: string }).kind ?? '');

/** In GitHub Actions, one `::error file=...,line=...,col=...::` line per problem, so each shows on its line of the PR. */
export function annotate(problems: Extract<CommandError, { kind: 'invalid-file' }>['problems'], io: CommandIo): void {
  if (io.env.GITHUB_ACTIONS !== 'true') return;
  const escape = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  for (const p of problems) {
    const props = `file=${escape(p.file).replace(/[:,]/g, (c) => (c === ':' ? '%3A' : '%2C'))},line=${p.line},col=${p.column}`;
    io.stdout(`::${p.severity} ${props}::${escape(p.message)}`);
  }
}

/** Reports `err` as the command's failure and returns its exit code. */
export function reportCommandFailure(err: unknown, io: CommandIo, json = false): number {
  if (!isCommandError(err)) throw err; // a bug, not a user error: let the stack trace show
  if (err.kind === 'invalid-file' && !json) annotate(err.problems, io);
  const code = EXIT_OF[err.kind];
  if (json) {
    const detail =
      err.kind === 'invalid-file'
        ? { problems: err.problems }
        : err.kind === 'api'
          ? { code: err.code, status: err.status, hint: err.hint }
          : {};
    io.stdout(JSON.stringify({ ok: false, error: err.name, message: err.message, ...detail }, null, 2));
  }
  io.stderr(`${err.name}: ${err.message}${code === EXIT.usage ? '\nRun with --help for usage.' : ''}`);
  return code;
}
