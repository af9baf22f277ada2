/**
 * What the file-and-API commands (queues, cron, dead-letters) share on their command line: strict
 * flags with positionals, the command word, and the project and location (flag, else variable).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The command's own usage error class (exit code 2). */
export type UsageErrorClass = new (message: string) => Error;

/** node:util's parseArgs, strict, positionals allowed; a wrong flag is a usage error that points at --help. */
export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, UsageError: UsageErrorClass) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nRun with --help for the options.`);
  }
}

/** `command` must be one of `commands`; else a usage error that lists them. */
export function checkCommand<C extends string>(command: string | undefined, commands: readonly C[], UsageError: UsageErrorClass): C {
  if ((commands as readonly string[]).includes(command ?? '')) return command as C;
  const expected = `expected one of ${commands.join(', ')}`;
  throw new UsageError(command ? `unknown command "${command}"; ${expected}` : `missing command; ${expected}`);
}

/**
 * The command of a queues or cron command line (validate, plan, apply, check; undefined with
 * --help and none), after the checks both share: a known command, no stray argument, not both
 * --json and --markdown.
 */
export function deployCommand<C extends string>(
  positionals: string[],
  values: { json?: boolean; markdown?: boolean },
  help: boolean,
  commands: readonly C[],
  UsageError: UsageErrorClass,
): C | undefined {
  const [command, ...extra] = positionals;
  if (!help) checkCommand(command, commands, UsageError);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"; options start with -- (e.g. --file ${extra[0]})`);
  if (values.json && values.markdown) throw new UsageError('--json and --markdown cannot be used together');
  return command as C | undefined;
}

/**
 * Project and location, or one usage error that names, for each one missing, its flag and its
 * variable, followed by the command's `otherMissing` (its other settings that are missing or wrong).
 */
export function requireProjectAndLocation(
  options: { project?: string; location?: string },
  what: string,
  UsageError: UsageErrorClass,
  { locationVariable = 'CLOUD_TASKS_LOCATION', otherMissing = [] }: { locationVariable?: string; otherMissing?: string[] } = {},
): { project: string; location: string } {
  const missing: string[] = [];
  if (!options.project) missing.push('the project: pass --project or set GOOGLE_CLOUD_PROJECT');
  if (!options.location) missing.push(`the location: pass --location or set ${locationVariable} (e.g. us-central1)`);
  missing.push(...otherMissing);
  if (missing.length > 0) throw new UsageError(`${what} needs ${missing.join('; and ')}`);
  return { project: options.project!, location: options.location! };
}
