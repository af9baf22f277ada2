/**
 * `next-cloud-tasks doctor`: prints the configuration the adapter sees (the same checks the server
 * runs at start, see registerDeferred) and what is wrong with it. It reads the app's `.env*` files
 * the way Next does (@next/env). Exit code 0 when it can work, 1 when not.
 */
import nextEnv from '@next/env';
import { inspectStartup, formatStartupProblems, startupCheckMode } from '../runtime/startup-check.js';
import { findProxyMatcherProblem } from './proxy-check.js';

export const DOCTOR_USAGE = `Usage: next-cloud-tasks doctor [--production]

Prints what the Cloud Tasks adapter reads from this environment and the app's .env files (loaded as
Next.js loads them: .env.development* for \`next dev\`, .env.production* with --production or
NODE_ENV=production), and every problem with it. Exit code 0 when defer() and the task handler can
work, 1 when not. See node_modules/next-cloud-tasks/docs/deploy-cloud-run.md for each variable.`;

export async function runDoctorCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(DOCTOR_USAGE);
    return 0;
  }
  const production = args.includes('--production') || process.env.NODE_ENV === 'production';
  const { loadedEnvFiles } = nextEnv.loadEnvConfig(process.cwd(), !production, { info: () => {}, error: console.error });
  const report = inspectStartup(process.env);
  const files = loadedEnvFiles.map((file) => file.path).join(', ');
  console.log(`Env files read (as \`next ${production ? 'start' : 'dev'}\` reads them): ${files || 'none'}`);
  const width = Math.max(...report.settings.map((s) => s.variable.length));
  console.log('Cloud Tasks adapter configuration, as this environment gives it:\n');
  for (const { variable, value, note } of report.settings) {
    console.log(`  ${variable.padEnd(width)}  ${value === undefined ? '(not set)' : value}\n  ${' '.repeat(width)}  ${note}`);
  }
  const mode = report.settings.find((s) => s.variable === 'CLOUD_TASKS_EMULATOR_HOST')?.value ? 'local emulator' : 'Google Cloud Tasks';
  console.log(
    `\n  tasks go to: ${mode}; startup check: ${startupCheckMode(process.env)} (DEFERRED_STARTUP_CHECK, NODE_ENV=${process.env.NODE_ENV ?? 'unset'})`,
  );
  if (report.queues) {
    console.log(
      `  queues: ${report.queues.names.join(', ')} (${report.queues.implicit ? `implicit: no ${report.queues.file}` : report.queues.file})`,
    );
  }
  const proxyProblem = findProxyMatcherProblem(process.cwd());
  if (proxyProblem) console.log(`\n${proxyProblem}`);
  if (!report.problems.length) {
    console.log('\nOK: defer() and the task handler can work with this configuration.');
    return 0;
  }
  console.log(`\n${formatStartupProblems(report.problems)}`);
  return 1;
}
