import { PassThroughClient } from 'google-auth-library';
import { lateFetch } from '@/lib/src/contract/late-fetch';
import { runCronCli } from '@/lib/src/cli/cron';

/** Runs `next-cloud-tasks cron` in-process and captures what it prints. */
export async function runCron(argv: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCronCli(argv, {
    env,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    now: () => new Date('2026-06-15T00:00:00Z'),
    adminOptions: {
      // No credentials, and fetch looked up per call so msw sees the requests (see PLATFORM-NOTES).
      authClient: new PassThroughClient({ transporterOptions: { fetchImplementation: lateFetch } } as never),
      rateLimitRetryDelaysMs: [5, 5],
    },
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
