import { PassThroughClient } from 'google-auth-library';
import { lateFetch } from '@/lib/src/contract/late-fetch';
import { runQueuesCli } from '@/lib/src/cli/queues';

/** Runs the CLI in-process and captures what it prints. */
export async function runCli(argv: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runQueuesCli(argv, {
    env,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    adminOptions: {
      // No credentials, and fetch looked up per call so msw sees the requests (see PLATFORM-NOTES).
      ...(env.CLOUD_TASKS_EMULATOR_HOST
        ? {}
        : { authClient: new PassThroughClient({ transporterOptions: { fetchImplementation: lateFetch } } as never) }),
      rateLimitRetryDelaysMs: [5, 5],
    },
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
