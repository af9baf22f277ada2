import { runQueuesCli } from '@/lib/src/cli/queues';
import { runCommand } from '../../helpers/run-command';

/** Runs `next-cloud-tasks queues ...` in-process and captures what it prints. */
export const runCli = (argv: string[], env: Record<string, string | undefined> = {}) => runCommand(runQueuesCli, argv, env);
