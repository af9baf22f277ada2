/**
 * `next-cloud-tasks emulator`: starts the emulator in the foreground and prints its URL; Ctrl-C (or
 * SIGTERM) stops it cleanly. A `kill -9` is fine too: tasks are in SQLite and the next start
 * re-dispatches whatever was in flight.
 */
import { CliUsageError, parseCliArgs, USAGE } from './emulator-options.js';
import { isLoopbackBind } from '../emulator/request-guard.js';
import { emulatedAppEnv, formatAppEnv, localAppUrl } from './emulated-app-env.js';

/** Runs until SIGINT/SIGTERM; resolves with the exit code. */
export async function runEmulatorCommand(args: string[]): Promise<number> {
  try {
    return await serve(args);
  } catch (error) {
    return reportStartError(error);
  }
}

async function serve(args: string[]): Promise<number> {
  const command = parseCliArgs(args);
  if (command.help) {
    console.log(USAGE);
    return 0;
  }
  const { startEmulator } = await import('../emulator/server.js');
  const time = () => new Date().toISOString().slice(11, 23);
  const emulator = await startEmulator({ ...command.options, log: command.quiet ? undefined : (line) => console.log(`${time()} ${line}`) });
  console.log(`Cloud Tasks emulator listening on ${emulator.url}`);
  console.log(`  dashboard:  ${emulator.url}/`);
  if (emulator.grpcHostPort) {
    const where = emulator.grpcPort === emulator.port ? 'the same port as REST' : 'a port of its own (--grpc-port)';
    console.log(`  gRPC:       ${emulator.grpcHostPort} (Cloud Tasks v2, plaintext, on ${where})`);
  }
  console.log(`  state:      ${emulator.options.data}`);
  const targets = ['loopback', ...emulator.options.allowedTargetHosts].join(', ');
  console.log(`  targets:    ${targets} (more: --allow-target-host)`);
  if (emulator.queueYaml) {
    console.log(`  queue.yaml: ${emulator.options.queueYaml} (${emulator.queueYaml.names.length} queues)`);
    for (const warning of emulator.queueYaml.warnings) console.log(`    warning: ${warning}`);
  }
  if (emulator.cronYaml) {
    console.log(`  cron.yaml:  ${emulator.options.cronYaml} (${emulator.cronYaml.names.length} jobs, calling ${emulator.options.appUrl})`);
    for (const warning of emulator.cronYaml.warnings) console.log(`    warning: ${warning}`);
  }
  const appEnv = emulatedAppEnv(process.env, { emulatorHost: emulator.hostPort, appUrl: localAppUrl(process.env) });
  console.log(`  app env:    ${formatAppEnv(appEnv)}`);
  if (!isLoopbackBind(emulator.host)) {
    console.warn(
      `warning: bound to ${emulator.host}: anyone who can reach it can create, run and delete tasks (the emulator has no authentication)`,
    );
  }
  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`${signal}: stopping the emulator`);
      emulator.stop().then(
        () => done(0),
        (error) => {
          console.error(error);
          done(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

function reportStartError(error: unknown): number {
  if (error instanceof CliUsageError) {
    console.error(error.message);
    return 2;
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    console.error(`The port is taken (${(error as Error).message}): stop the other emulator or pass --port <another>`);
  else if (code === 'ERR_UNKNOWN_BUILTIN_MODULE')
    console.error(`This Node.js (${process.version}) has no node:sqlite without a flag: use Node 22.13 or newer`);
  else console.error((error as Error).message ?? error);
  return 1;
}
