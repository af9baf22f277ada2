import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { CloudTasksClient } from '@google-cloud/tasks';
import path from 'node:path';
import { createCloudTasksClient } from '@/lib/src/contract/cloud-tasks-client';
import { type EmulatorHandle, startEmulator } from 'next-cloud-tasks/emulator';
import { runCli } from './support/cli-runner';

/**
 * plan / apply / check end to end: the CLI, the real @google-cloud/tasks client in REST mode and
 * the local emulator (lib/emulator) on loopback, with its state in memory.
 */

const DEPLOY = path.join(__dirname, '../fixtures/queues/deploy.yaml');
const PROJECT = 'emu-project';
const LOCATION = 'us-central1';

describe('plan / apply / check against the emulator', () => {
  let emulator: EmulatorHandle;
  let client: CloudTasksClient;
  let env: Record<string, string>;
  const queue = (name: string) => `projects/${PROJECT}/locations/${LOCATION}/queues/${name}`;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, data: ':memory:', project: PROJECT, location: LOCATION });
    env = { CLOUD_TASKS_EMULATOR_HOST: emulator.hostPort, GOOGLE_CLOUD_PROJECT: PROJECT, CLOUD_TASKS_LOCATION: LOCATION };
    // A second client, standing for a person who edits queues by hand in the console.
    client = await createCloudTasksClient(emulator.hostPort);
  });

  afterAll(async () => {
    await client?.close();
    await emulator?.stop();
  });

  test('apply creates the queues; a second apply changes nothing; check is clean', async () => {
    const plan = await runCli(['plan', '--file', DEPLOY], env);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('3 to create');

    const first = await runCli(['apply', '--file', DEPLOY], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created mail');

    const [mail] = await client.getQueue({ name: queue('mail') });
    expect(mail.rateLimits?.maxConcurrentDispatches).toBe(10);
    expect(mail.retryConfig?.maxAttempts).toBe(5);
    expect(Number(mail.retryConfig?.maxRetryDuration?.seconds)).toBe(5400);
    const [frozen] = await client.getQueue({ name: queue('frozen') });
    expect(frozen.state).toBe('PAUSED');

    const second = await runCli(['apply', '--file', DEPLOY], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Applied: no changes.');
    expect((await runCli(['check', '--file', DEPLOY], env)).code).toBe(0);
  });

  test('editing a live queue makes check fail; apply puts it back', async () => {
    await client.updateQueue({
      queue: { name: queue('mail'), retryConfig: { maxDoublings: 9 } },
      updateMask: { paths: ['retryConfig.maxDoublings'] },
    });
    const check = await runCli(['check', '--file', DEPLOY], env);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('~ update     mail\n      retryConfig.maxDoublings: 9 -> 3');

    expect((await runCli(['apply', '--file', DEPLOY], env)).code).toBe(0);
    const [mail] = await client.getQueue({ name: queue('mail') });
    expect(mail.retryConfig?.maxDoublings).toBe(3);
    expect(mail.rateLimits?.maxConcurrentDispatches).toBe(10); // untouched by the masked update
    expect((await runCli(['check', '--file', DEPLOY], env)).code).toBe(0);
  });

  test('--pause-missing pauses only running queues that the file does not list', async () => {
    const parent = `projects/${PROJECT}/locations/${LOCATION}`;
    await client.createQueue({ parent, queue: { name: queue('legacy') } });
    await client.createQueue({ parent, queue: { name: queue('retired') } });
    await client.pauseQueue({ name: queue('retired') });

    const reportOnly = await runCli(['apply', '--file', DEPLOY], env);
    expect(reportOnly.stdout).toContain('! not in file legacy');
    expect((await client.getQueue({ name: queue('legacy') }))[0].state).toBe('RUNNING');

    const pausing = await runCli(['apply', '--pause-missing', '--file', DEPLOY], env);
    expect(pausing.code).toBe(0);
    expect(pausing.stdout).toMatch(/Applied:\n {2}paused legacy$/);
    const [listed] = await client.listQueues({ parent });
    expect(Object.fromEntries(listed.map((q) => [q.name!.split('/').pop(), q.state]))).toEqual({
      default: 'RUNNING',
      mail: 'RUNNING',
      frozen: 'PAUSED',
      legacy: 'PAUSED',
      retired: 'PAUSED',
    });
    expect((await runCli(['check', '--pause-missing', '--file', DEPLOY], env)).code).toBe(0);
  });
});
