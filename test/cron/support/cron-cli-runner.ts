import { runCronCli } from '@/lib/src/cli/cron';
import { runCommand } from '../../helpers/run-command';

/** Runs `next-cloud-tasks cron ...` in-process, on a fixed "now" for validate's next runs, and captures what it prints. */
export const runCron = (argv: string[], env: Record<string, string | undefined> = {}) =>
  runCommand(runCronCli, argv, env, { now: () => new Date('2026-06-15T00:00:00Z') });
