/**
 * The flow the queues, cron and dead-letters commands share: parse the command line (or print
 * --help), run, and end every user error through reportCommandFailure (runCommand). The two
 * deploy commands (`queues` over queue.yaml, `cron` over cron.yaml) also load and validate their
 * file first, its warnings printed and, in CI, annotated (runFileCommand).
 */
import { annotate, reportCommandFailure, type CommandError, type CommandIo } from './command-failure.js';
import { EXIT } from './exit-codes.js';

type Problems = Extract<CommandError, { kind: 'invalid-file' }>['problems'];

export interface FileCommand<Options, File> {
  parse(argv: string[], env: CommandIo['env']): Options & { help: boolean; json: boolean; command: string; file: string };
  usage: string;
  load(path: string): File & { warnings: Problems };
  formatWarning(problem: Problems[number]): string;
  validate(file: File, options: Options): number;
  deploy(file: File, options: Options): Promise<number>;
}

export interface Command<Options> {
  parse(argv: string[], env: CommandIo['env']): Options & { help: boolean; json: boolean };
  usage: string;
  run(options: Options & { help: boolean; json: boolean }): Promise<number>;
}

/**
 * Parses the command line (or prints --help), then runs the command; every user error ends
 * through reportCommandFailure (as JSON with --json). Returns the exit code (see EXIT); never
 * calls process.exit.
 */
export async function runCommand<Options>(argv: string[], io: CommandIo, command: Command<Options>): Promise<number> {
  let options: ReturnType<Command<Options>['parse']>;
  try {
    options = command.parse(argv, io.env);
  } catch (err) {
    return reportCommandFailure(err, io);
  }
  if (options.help) {
    io.stdout(command.usage);
    return EXIT.ok;
  }
  try {
    return await command.run(options);
  } catch (err) {
    return reportCommandFailure(err, io, options.json);
  }
}

/** Runs a deploy command: its file loaded and validated (warnings printed, and annotated in CI), then validate or deploy. */
export function runFileCommand<Options, File>(argv: string[], io: CommandIo, command: FileCommand<Options, File>): Promise<number> {
  return runCommand(argv, io, {
    parse: command.parse,
    usage: command.usage,
    async run(options) {
      const file = command.load(options.file);
      if (!options.json) for (const warning of file.warnings) io.stderr(command.formatWarning(warning));
      annotate(file.warnings, io);
      return options.command === 'validate' ? command.validate(file, options) : await command.deploy(file, options);
    },
  });
}

/** How a deploy command renders its plan and what it applied. */
export interface PlanRendering<Plan, Applied> {
  text(plan: Plan, target: string): string;
  markdown(plan: Plan, target: string): string;
  applied(result: Applied, markdown: boolean): string;
  /** What `check` says on drift, with the command that applies. */
  drift(file: string): string;
}

/** Prints the plan (text, Markdown or one JSON document), what was applied, and drift for `check`. */
export function reportPlan<Plan extends { file: string; hasChanges: boolean }, Applied extends { actions: unknown }>(
  report: { plan: Plan; result: Applied | undefined; drift: boolean; target: string },
  options: { command: string; json: boolean; markdown: boolean },
  io: CommandIo,
  render: PlanRendering<Plan, Applied>,
): void {
  const { plan, result, drift, target } = report;
  if (options.json) {
    const document = { command: options.command, target, drift: plan.hasChanges, plan, ...(result && { applied: result.actions }) };
    io.stdout(JSON.stringify(document, null, 2));
    return;
  }
  io.stdout(options.markdown ? render.markdown(plan, target) : render.text(plan, target));
  if (result) io.stdout(render.applied(result, options.markdown));
  if (drift) io.stderr(render.drift(plan.file));
}
