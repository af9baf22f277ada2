/** `npm run queues -- <validate|plan|apply|check>`: see USAGE in cli-options.ts and docs/queues-ci.md. */
import { runQueuesCli } from './run-cli';

runQueuesCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 70; // an unexpected failure (a bug): not one of the documented codes
  },
);
