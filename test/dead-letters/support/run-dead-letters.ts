import { runDeadLettersCli } from '@/lib/src/cli/dead-letters';
import { runCommand } from '../../helpers/run-command';

/** Runs `next-cloud-tasks dead-letters ...` in-process and captures what it prints. */
export const runDeadLetters = (argv: string[], env: Record<string, string | undefined>) => runCommand(runDeadLettersCli, argv, env);
