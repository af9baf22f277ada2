/**
 * `npm run emulator`: starts the emulator in the foreground and prints its URL; Ctrl-C (or
 * SIGTERM) stops it cleanly. A `kill -9` is fine too: tasks are in SQLite and the next start
 * re-dispatches whatever was in flight.
 */
import { CliUsageError, parseCliArgs, USAGE } from './cli-args';
import { isLoopbackBind } from './request-guard';

// node:sqlite prints an ExperimentalWarning on load; it is expected here and only noise.
const defaultWarningListeners = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name === 'ExperimentalWarning' && /SQLite/i.test(warning.message)) return;
  for (const listener of defaultWarningListeners) listener(warning);
});

async function main(): Promise<void> {
  const command = parseCliArgs(process.argv.slice(2));
  if (command.help) {
    console.log(USAGE);
    return;
  }
  const { startEmulator } = await import('./server');
  const time = () => new Date().toISOString().slice(11, 23);
  const emulator = await startEmulator({ ...command.options, log: command.quiet ? undefined : (line) => console.log(`${time()} ${line}`) });
  console.log(`Cloud Tasks emulator listening on ${emulator.url}`);
  console.log(`  dashboard:  ${emulator.url}/`);
  console.log(`  state:      ${emulator.options.data}`);
  if (emulator.queueYaml) {
    console.log(`  queue.yaml: ${emulator.options.queueYaml} (${emulator.queueYaml.names.length} queues)`);
    for (const warning of emulator.queueYaml.warnings) console.log(`    warning: ${warning}`);
  }
  console.log(`  app env:    CLOUD_TASKS_EMULATOR_HOST=${emulator.hostPort} GOOGLE_CLOUD_PROJECT=${emulator.options.project} CLOUD_TASKS_LOCATION=${emulator.options.location}`);
  if (!isLoopbackBind(emulator.host)) {
    console.warn(`warning: bound to ${emulator.host}: anyone who can reach it can create, run and delete tasks (the emulator has no authentication)`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the emulator`);
    emulator.stop().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof CliUsageError) {
    console.error(error.message);
    process.exit(2);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') console.error(`The port is taken (${(error as Error).message}): stop the other emulator or pass --port <another>`);
  else if (code === 'ERR_UNKNOWN_BUILTIN_MODULE') console.error(`This Node.js (${process.version}) has no node:sqlite without a flag: use Node 22.13 or newer`);
  else console.error((error as Error).message ?? error);
  process.exit(1);
});
