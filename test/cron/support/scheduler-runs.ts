import { setupServer } from 'msw/node';
import path from 'node:path';
import type { LogEntry } from 'next-cloud-tasks';
import { loadCronYaml, toSchedulerJobs } from 'next-cloud-tasks/cron';
import { createSigningKey, setupTestOptions, signIdToken } from 'next-cloud-tasks/testing';
import { googleCertsHandler } from 'next-cloud-tasks/testing/msw';

export interface SchedulerRunOptions {
  /** X-CloudScheduler-ScheduleTime; null for a run without one (a forced run). */
  scheduleTime: string | null;
  /** The run's bearer token. @default a token of the jobs' account for the job's audience, signed with Google's test key */
  token?: string | Promise<string>;
  /** Changes to the headers before the request is made (a forged or edited header). */
  change?: (headers: Headers) => void;
}

/**
 * Cloud Scheduler's runs of a fixture cron.yaml's jobs, as `cron apply` creates the jobs, with
 * the headers its HTTP target sends (per its docs) and tokens signed with a key msw serves as
 * Google's. Installs the test file's hooks: the certs server, and the adapter's log lines in `logs`.
 */
export function schedulerRuns(fixture: string, app: { audience: string; serviceAccount: string }) {
  const key = createSigningKey(`google-key-${path.basename(fixture, '.yaml')}`);
  const server = setupServer(googleCertsHandler([key]));
  const logs: LogEntry[] = [];
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
  afterAll(() => server.close());
  setupTestOptions({ logWriter: (entry) => logs.push(entry) });
  beforeEach(() => {
    logs.length = 0;
  });

  const jobs = toSchedulerJobs(loadCronYaml(path.join(__dirname, '../../fixtures/cron', fixture)), {
    serviceUrl: app.audience,
    serviceAccountEmail: app.serviceAccount,
  });
  const job = (name: string) => jobs.find((j) => j.name === name)!;

  /** The request of a run of job `name`. */
  async function request(name: string, { scheduleTime, token, change }: SchedulerRunOptions): Promise<Request> {
    const target = job(name).httpTarget;
    const headers = new Headers({
      ...target.headers,
      'User-Agent': 'Google-Cloud-Scheduler',
      'X-CloudScheduler': 'true',
      'X-CloudScheduler-JobName': name,
      ...(scheduleTime && { 'X-CloudScheduler-ScheduleTime': scheduleTime }),
      Authorization: `Bearer ${await (token ?? signIdToken(key, { aud: target.oidcToken.audience, email: app.serviceAccount }))}`,
    });
    change?.(headers);
    return new Request(target.uri, {
      method: target.httpMethod,
      headers,
      body: target.body ? Buffer.from(target.body, 'base64') : undefined,
    });
  }

  return { key, logs, job, request };
}
