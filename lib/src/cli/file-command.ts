/**
 * The flow the queues, cron and dead-letters commands share: parse the command line (or print
 * --help), run, and end every user error through reportCommandFailure (runCommand). The two
 * deploy commands build on it (deploy-command.ts).
 */
import { reportCommandFailure, type CommandIo } from './command-failure.js';
import { EXIT } from './exit-codes.js';

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
