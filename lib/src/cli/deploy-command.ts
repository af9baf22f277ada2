/**
 * What the two deploy commands share (`queues` over queue.yaml, `cron` over cron.yaml): their
 * words and flags, loading and validating the file (warnings printed and, in CI, annotated), then
 * validate, or plan / apply / check through the deploy core, and the report with its exit code.
 * Each command says how to read its file, where it deploys, and how its plan reads.
 */
import type { ParseArgsConfig } from 'node:util';
import { formatProblem, type YamlProblem } from '../deploy/problems.js';
import type { DeployMode, DeployOptions } from '../deploy/deploy.js';
import { annotate, type CommandIo } from './command-failure.js';
import { deployCommand, parseFlags, type UsageErrorClass } from './command-line.js';
import { EXIT } from './exit-codes.js';
import { runCommand } from './file-command.js';

export const DEPLOY_COMMANDS = ['validate', 'plan', 'apply', 'check'] as const;
export type DeployCommandName = (typeof DEPLOY_COMMANDS)[number];

const DEPLOY_FLAGS = {
  file: { type: 'string' },
  project: { type: 'string' },
  location: { type: 'string' },
  'pause-missing': { type: 'boolean' },
  json: { type: 'boolean' },
  markdown: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** The options both deploy commands have, with their flags and defaults. */
export interface DeployCliOptions {
  command: DeployCommandName;
  /** `--file`. @default the command's file: 'queue.yaml', 'cron.yaml' */
  file: string;
  /** `--project`, else GOOGLE_CLOUD_PROJECT. Required by plan/apply/check. */
  project?: string;
  /** `--location`, else the command's location variable. Required by plan/apply/check. */
  location?: string;
  /** `--pause-missing`: pause live resources absent from the file. @default false (reported only) */
  pauseMissing: boolean;
  /** `--json`: one JSON document on stdout instead of text. @default false */
  json: boolean;
  /** `--markdown`: the plan as a Markdown table (for $GITHUB_STEP_SUMMARY). @default false */
  markdown: boolean;
  help: boolean;
}

/**
 * Parses a deploy command line: the shared flags and the command's own (`extra`), the command word
 * (validate when only --help is given). `values` holds every flag as given, for the command's own options.
 */
export function parseDeployCommandLine<const Extra extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  extra: Extra,
  UsageError: UsageErrorClass,
  defaultFile: string,
) {
  const { values, positionals } = parseFlags(argv, { ...DEPLOY_FLAGS, ...extra }, UsageError);
  const shared = values as { [K in keyof typeof DEPLOY_FLAGS]?: (typeof DEPLOY_FLAGS)[K]['type'] extends 'string' ? string : boolean };
  const help = shared.help ?? false;
  const options: Omit<DeployCliOptions, 'project' | 'location'> = {
    command: deployCommand(positionals, shared, help, DEPLOY_COMMANDS, UsageError) ?? 'validate',
    file: shared.file ?? defaultFile,
    pauseMissing: shared['pause-missing'] ?? false,
    json: shared.json ?? false,
    markdown: shared.markdown ?? false,
    help,
  };
  return { options, values, project: shared.project, location: shared.location };
}

/** What a deploy gave: deploy/deploy.ts's DeployResult, of either kind. */
interface DeployReport {
  plan: { file: string; hasChanges: boolean };
  applied?: { actions: unknown };
  drift: boolean;
}

export interface DeployCommand<
  Options extends DeployCliOptions,
  File,
  Admin extends { close?(): Promise<void> },
  Result extends DeployReport,
> {
  parse(argv: string[], env: CommandIo['env']): Options;
  usage: string;
  load(path: string): File & { file: string; warnings: YamlProblem[] };
  validate(file: File, options: Options): number;
  /** Where plan/apply/check go (`projects/P/locations/L`) and the admin that calls the API; a usage error names what is missing. */
  connect(options: Options): { target: string; admin: Admin };
  /** Plans, applies or checks (`deployOptions.mode`); `options` are the command line's. */
  deploy(file: File, admin: Admin, deployOptions: DeployOptions, options: Options): Promise<Result>;
  format(result: Result, target: string, options: { markdown: boolean }): string;
  /** What `check` says on drift, with the command that applies. */
  drift(file: string): string;
}

/**
 * Runs a deploy command: parses the command line (or prints --help), loads and validates the
 * file, then validates, or plans / applies / checks and prints the result. Every user error ends
 * with its exit code (EXIT); never calls process.exit.
 */
export function runDeployCommand<
  Options extends DeployCliOptions,
  File,
  Admin extends { close?(): Promise<void> },
  Result extends DeployReport,
>(argv: string[], io: CommandIo, command: DeployCommand<Options, File, Admin, Result>): Promise<number> {
  return runCommand(argv, io, {
    parse: command.parse,
    usage: command.usage,
    async run(options) {
      const file = command.load(options.file);
      if (!options.json) for (const warning of file.warnings) io.stderr(formatProblem(warning));
      annotate(file.warnings, io);
      if (options.command === 'validate') return command.validate(file, options);
      const { target, admin } = command.connect(options);
      try {
        const mode = options.command as DeployMode;
        const result = await command.deploy(file, admin, { mode, pauseMissing: options.pauseMissing }, options);
        return report(result, target, options, io, command);
      } finally {
        await admin.close?.();
      }
    },
  });
}

/** Prints the plan (text, Markdown or one JSON document) and what was applied; for `check`, the drift. Returns the exit code. */
function report<Result extends DeployReport>(
  result: Result,
  target: string,
  options: DeployCliOptions,
  io: CommandIo,
  render: Pick<DeployCommand<DeployCliOptions, unknown, never, Result>, 'format' | 'drift'>,
): number {
  const { plan, applied, drift } = result;
  if (options.json) {
    const document = { command: options.command, target, drift: plan.hasChanges, plan, ...(applied && { applied: applied.actions }) };
    io.stdout(JSON.stringify(document, null, 2));
  } else {
    io.stdout(render.format(result, target, { markdown: options.markdown }));
    if (drift) io.stderr(render.drift(plan.file));
  }
  return drift ? EXIT.invalidOrDrift : EXIT.ok;
}
