import { PassThroughClient } from 'google-auth-library';
import { lateFetch } from '@/lib/src/contract/late-fetch';
import { runDeadLettersCli } from '@/lib/src/cli/dead-letters';

/** Runs `next-cloud-tasks dead-letters ...` in-process and captures what it prints. */
export async function runDeadLetters(argv: string[], env: Record<string, string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDeadLettersCli(argv, {
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
