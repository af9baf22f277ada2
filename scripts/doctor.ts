/**
 * `npm run doctor`: prints the configuration the adapter sees (the same checks the server runs at
 * start, see instrumentation.ts) and what is wrong with it. Exit code 0 when it can work, 1 when not.
 * Run it with the service's environment, e.g. `env $(cat prod.env | xargs) npm run doctor`.
 */
import { inspectStartup, formatStartupProblems, startupCheckMode } from '../lib/deferred/startup-check';

function main(): number {
  const report = inspectStartup(process.env);
  const width = Math.max(...report.settings.map((s) => s.variable.length));
  console.log('Cloud Tasks adapter configuration, as this environment gives it:\n');
  for (const { variable, value, note } of report.settings) {
    console.log(`  ${variable.padEnd(width)}  ${value === undefined ? '(not set)' : value}\n  ${' '.repeat(width)}  ${note}`);
  }
  const mode = report.settings.find((s) => s.variable === 'CLOUD_TASKS_EMULATOR_HOST')?.value ? 'local emulator' : 'Google Cloud Tasks';
  console.log(`\n  tasks go to: ${mode}; startup check: ${startupCheckMode(process.env)} (DEFERRED_STARTUP_CHECK, NODE_ENV=${process.env.NODE_ENV ?? 'unset'})`);
  if (report.queues) {
    console.log(`  queues: ${report.queues.names.join(', ')} (${report.queues.implicit ? `implicit: no ${report.queues.file}` : report.queues.file})`);
  }
  if (!report.problems.length) {
    console.log('\nOK: defer() and the task handler can work with this configuration.');
    return 0;
  }
  console.log(`\n${formatStartupProblems(report.problems)}`);
  return 1;
}

process.exitCode = main();
