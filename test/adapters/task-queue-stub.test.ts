import { defer, type DeadLetterEntry, type DeferrableFunction } from 'next-cloud-tasks';
import { createTaskQueueStub, TEST_OPTIONS, type TaskQueueStub } from 'next-cloud-tasks/testing';
import { encodeEnvelope } from '@/lib/src/contract/envelope';
import { CONTRACT_FUNCTIONS, runContractSuite, type TaskFate } from './contract-suite';

// `default` retries for ever; `last` allows one attempt, so its first failure is the last.
const QUEUES = 'queue:\n- name: default\n  rate: 5/s\n- name: last\n  rate: 5/s\n  retry_parameters:\n    task_retry_limit: 0\n';
const byId = new Map<string, DeferrableFunction<unknown[]>>(Object.values(CONTRACT_FUNCTIONS).map((fn) => [fn.deferredId, fn]));

let stub: TaskQueueStub;
let listed: ReadonlySet<string>;

const taskOfAnotherDeploy = (functionId: string, args: unknown[], queue: string) => ({
  project: TEST_OPTIONS.project,
  location: TEST_OPTIONS.location,
  queue,
  url: `${TEST_OPTIONS.serviceUrl}/_ah/queue/deferred/${functionId}`,
  headers: { 'Content-Type': 'application/json' },
  body: encodeEnvelope(functionId, args),
  oidcToken: { serviceAccountEmail: TEST_OPTIONS.serviceAccount, audience: TEST_OPTIONS.audience },
});
let deadLetter: (entry: DeadLetterEntry) => void;

runContractSuite("the jest stub's runTask", {
  setUp(manifest, sink) {
    deadLetter = sink;
    listed = new Set(manifest.ids);
    stub = createTaskQueueStub({ manifest, queues: { yaml: QUEUES } });
    stub.install();
  },
  holdsTasks: true,
  async deliver({ functionId, args, lastAttempt }) {
    const queue = lastAttempt ? 'last' : 'default';
    // defer() refuses a function that the stub's manifest does not list, so the task of a function
    // this deploy does not know is made as an earlier deploy's defer() made it.
    const name = listed.has(functionId)
      ? await defer(byId.get(functionId)!, args, { queue })
      : (await stub.createTask(taskOfAnotherDeploy(functionId, args, queue))).name;
    const before = stub.deadLetteredTasks().length;
    const result = await stub.drain().then((runs) => runs.find((run) => run.task.name === name)!);
    for (const entry of stub.deadLetteredTasks().slice(before)) deadLetter(entry);
    stub.clear();
    const fate: TaskFate = result.deadLettered ? 'dead-lettered' : result.disposition === 'retry-scheduled' ? 'retried' : 'deleted';
    return { status: result.status, outcome: result.deadLettered ? 'dead-lettered' : result.outcome, fate };
  },
  // No auth cases: runTask delivers through the handler's pipeline without HTTP and without a token.
  tearDown: () => stub.uninstall(),
});
