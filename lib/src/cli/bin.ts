#!/usr/bin/env node
/**
 * The `next-cloud-tasks` command: the package's local tools, run from the app's folder.
 * Each command is imported only when it runs, so `--help` and `queues validate` stay fast.
 */
import { EXIT } from './exit-codes.js';

export const USAGE = `Usage: next-cloud-tasks <command> [options]

Commands:
  init          add the adapter to this Next.js app (task route, manifest, queue.yaml, config)
  dev           the local Cloud Tasks emulator and \`next dev\`, wired together
  start         the local Cloud Tasks emulator and \`next start\` of the production build
  emulator      the local Cloud Tasks emulator alone (REST API, dispatcher, dashboard)
  queues        validate queue.yaml, or plan / apply / check it against Cloud Tasks
  cron          validate cron.yaml, or plan / apply / check it against Cloud Scheduler
  dead-letters  list, inspect, replay or delete the dead tasks kept in dead-letter queues
  doctor        print the configuration the adapter sees, and what is wrong with it

Run \`next-cloud-tasks <command> --help\` for a command's options. Docs: README.md of next-cloud-tasks.`;

type Command = (args: string[]) => Promise<number>;

const print = (stream: NodeJS.WriteStream) => (text: string) => void stream.write(`${text}\n`);
/** What the commands that print through an io object (queues, cron, dead-letters) get. */
const io = () => ({ env: process.env, stdout: print(process.stdout), stderr: print(process.stderr) });

const COMMANDS: Record<string, () => Promise<Command>> = {
  init: async () => (await import('./init.js')).runInitCommand,
  dev: async () => {
    const { runAppWithEmulator } = await import('./app-with-emulator.js');
    return (args) => runAppWithEmulator('dev', args);
  },
  start: async () => {
    const { runAppWithEmulator } = await import('./app-with-emulator.js');
    return (args) => runAppWithEmulator('start', args);
  },
  emulator: async () => (await import('./emulator.js')).runEmulatorCommand,
  queues: async () => {
    const { runQueuesCli } = await import('./queues.js');
    return (args) => runQueuesCli(args, io());
  },
  cron: async () => {
    const { runCronCli } = await import('./cron.js');
    return (args) => runCronCli(args, io());
  },
  'dead-letters': async () => {
    const { runDeadLettersCli } = await import('./dead-letters.js');
    return (args) => runDeadLettersCli(args, io());
  },
  doctor: async () => (await import('./doctor.js')).runDoctorCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : EXIT.usage;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    console.error(`Unknown command "${name}".\n\n${USAGE}`);
    return EXIT.usage;
  }
  return (await load())(args);
}

// node:sqlite prints an ExperimentalWarning on load; it is expected here and only noise.
const defaultWarningListeners = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name === 'ExperimentalWarning' && /SQLite/i.test(warning.message)) return;
  for (const listener of defaultWarningListeners) listener(warning);
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(70); // an unexpected failure (a bug): not one of the documented exit codes
  },
);
