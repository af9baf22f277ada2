/**
 * The fourth adapter: the emulator on loopback, dispatching to the real handler over HTTP with
 * tokens it signs itself, verified in emulator mode. What the suite reads is what each side did:
 * the handler's answer as the emulator received it, and what the emulator then did with the task.
 */
import { join } from 'node:path';
import type { CloudTasksClient } from '@google-cloud/tasks';
import { defer, type DeadLetterEntry, type DeferrableFunction } from 'next-cloud-tasks';
import { encodeEnvelope } from '@/lib/src/contract/envelope';
import { emulatorClient } from '../emulator/support/client';
import { LOCATION, PROJECT, TASKS_EMAIL } from '../helpers/emulated-app';
import { startEmulatedHandler, type EmulatedHandler } from '../helpers/emulated-handler';
import { ROOT } from '../helpers/next-server';
import { CONTRACT_FUNCTIONS, runContractSuite, type AuthCase, type ContractResult, type TaskFate } from './contract-suite';

const QUEUES = join(ROOT, 'test/fixtures/queues/contract-app.yaml');
const byId = new Map<string, DeferrableFunction<unknown[]>>(Object.values(CONTRACT_FUNCTIONS).map((fn) => [fn.deferredId, fn]));

let loop: EmulatedHandler;
let client: CloudTasksClient;
/** The handler's answers by task id, as the emulator received them. */
const answers = new Map<string, { status: number; outcome: string }>();

/** The emulator's event for the task's first attempt: what it did with the task. */
async function fateOf(taskName: string): Promise<TaskFate> {
  const fates: [Parameters<typeof loop.events.all>[0], TaskFate][] = [
    ['task:success', 'deleted'],
    ['task:error', 'retried'],
    ['task:dead', 'dead-lettered'],
  ];
  for (let waited = 0; waited < 15_000; waited += 20) {
    const seen = fates.find(([event]) => loop.events.all(event).some((payload) => payload.task.name === taskName));
    if (seen) return seen[1];
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the emulator reported nothing for ${taskName} within 15 s`);
}

async function resultOf(taskName: string): Promise<ContractResult> {
  const fate = await fateOf(taskName);
  const answer = answers.get(taskName.split('/').pop()!);
  if (!answer) throw new Error(`the handler never answered ${taskName}`);
  return { ...answer, fate };
}

/** The refused tokens Cloud Tasks itself can send: none, or one the emulator signs for another audience or account. */
const SENDABLE: readonly AuthCase[] = ['none', 'wrong-audience', 'another-account'];

function oidcTokenFor(token: AuthCase): { serviceAccountEmail: string; audience: string } | undefined {
  if (token === 'none') return undefined;
  if (token === 'wrong-audience') return { serviceAccountEmail: TASKS_EMAIL, audience: 'https://another-app.example.com' };
  if (token === 'another-account')
    return { serviceAccountEmail: 'someone@another-project.iam.gserviceaccount.com', audience: loop.app.url };
  throw new Error(`the emulator signs every token itself: it cannot send ${token}`);
}

runContractSuite("the emulator's dispatcher", {
  async setUp(manifest, deadLetter: (entry: DeadLetterEntry) => void) {
    loop = await startEmulatedHandler({
      queueYaml: QUEUES,
      handler: { manifest, deadLetter },
      observe: (request, response) =>
        answers.set(request.headers.get('x-cloudtasks-taskname')!, {
          status: response.status,
          outcome: response.headers.get('x-deferred-outcome') ?? '',
        }),
    });
    client = await emulatorClient(loop.emulator.hostPort);
  },
  holdsTasks: true,
  async deliver({ functionId, args, lastAttempt }) {
    return resultOf(await defer(byId.get(functionId)!, args, { queue: lastAttempt ? 'last' : 'default' }));
  },
  auth: {
    cases: SENDABLE,
    async deliver({ functionId, args }, token) {
      const oidcToken = oidcTokenFor(token);
      const [task] = await client.createTask({
        parent: `projects/${PROJECT}/locations/${LOCATION}/queues/default`,
        task: {
          httpRequest: {
            url: `${loop.app.url}/_ah/queue/deferred/${functionId}`,
            httpMethod: 'POST',
            headers: { 'content-type': 'application/json' },
            body: Buffer.from(encodeEnvelope(functionId, args)),
            ...(oidcToken && { oidcToken }),
          },
        },
      });
      return resultOf(task.name!);
    },
  },
  async tearDown() {
    await client?.close();
    await loop?.stop();
  },
});
