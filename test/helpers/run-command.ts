import { PassThroughClient } from 'google-auth-library';
import type { CommandIo } from '@/lib/src/cli/command-failure';
import { httpFetch } from '@/lib/src/contract/http-fetch';

/** What the deploy commands (queues, cron, dead-letters) take besides argv: their io, and options for their API client. */
interface DeployCommandIo extends CommandIo {
  adminOptions: { authClient?: PassThroughClient; rateLimitRetryDelaysMs: number[] };
}

/**
 * Runs one of the deploy commands in-process and captures what it prints. Against Google's
 * endpoints (msw), no credentials and fetch looked up per call so msw sees the requests (see
 * PLATFORM-NOTES); against the emulator, the command's own emulator client. 429 retries are short.
 */
export async function runCommand<Extra extends object>(
  command: (argv: string[], io: DeployCommandIo & Extra) => Promise<number>,
  argv: string[],
  env: Record<string, string | undefined>,
  extra: Extra = {} as Extra,
) {
  const out: string[] = [];
  const err: string[] = [];
  const authClient = env.CLOUD_TASKS_EMULATOR_HOST
    ? undefined
    : new PassThroughClient({ transporterOptions: { fetchImplementation: httpFetch } } as never);
  const code = await command(argv, {
    ...extra,
    env,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    adminOptions: { ...(authClient && { authClient }), rateLimitRetryDelaysMs: [5, 5] },
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
