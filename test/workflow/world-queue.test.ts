/**
 * The World's queue and its handler, in process: messages become Cloud Tasks (a recording
 * transport in place of Cloud Tasks), and the flow/step handler runs a message only for a caller
 * with a real RS256 token of the allowed account (Google's certs served by msw).
 */
import { setupServer } from 'msw/node';
import { googleCertsHandler } from 'next-cloud-tasks/testing/msw';
import type { QueuePrefix, ValidQueueName } from '@workflow/world';
import { TaskAlreadyExistsError, UnknownQueueError } from '@/lib/src/contract/errors';
import type { CreateTaskRequest, TaskTransport } from '@/lib/src/contract/transport';
import { catalogFrom, type QueueCatalog } from '@/lib/src/runtime/queue-catalog';
import { parseQueueYaml } from '@/lib/src/queues/parse';
import type { LogEntry } from '@/lib/src/runtime/logger';
import { applyLayer } from '@/lib/src/runtime/options-state';
import { resetTokenVerifier } from '@/lib/src/handle/verify-token';
import { createSigningKey, signIdToken } from '@/lib/src/testing/oidc-tokens';
import { createWorld, registerWorkflowWorld, WorkflowStorageError } from '@/lib/src/workflow/index';
import { decodeTaskMessage, encodeTaskMessage, type TaskMessage } from '@/lib/src/contract/workflow-message';
import { HOP_MS } from '@/lib/src/workflow/send-task';

const APP = 'https://app.example.com';
const EMAIL = 'tasks@my-project.iam.gserviceaccount.com';
const googleKey = createSigningKey('google-key-1');
const strangerKey = createSigningKey('stranger-key');
const server = setupServer(googleCertsHandler([googleKey]));

const ENV = {
  GOOGLE_CLOUD_PROJECT: 'my-project',
  CLOUD_TASKS_LOCATION: 'europe-west1',
  DEFERRED_SERVICE_URL: APP,
  DEFERRED_SERVICE_ACCOUNT: EMAIL,
  // Never opened here: these tests touch the queue, not storage.
  WORKFLOW_POSTGRES_URL: 'postgres://nobody@127.0.0.1:1/none',
  K_REVISION: 'my-app-00042-xyz',
};
const saved = { ...process.env };

/** Records every task; a second task of the same id is refused, as Cloud Tasks does. */
let created: CreateTaskRequest[];
const transport: TaskTransport = {
  async createTask(request) {
    if (request.taskId && created.some((task) => task.taskId === request.taskId && task.queue === request.queue)) {
      throw new TaskAlreadyExistsError(request.taskId);
    }
    created.push(request);
    return { name: `projects/${request.project}/locations/${request.location}/queues/${request.queue}/tasks/${request.taskId}` };
  },
};
const logs: LogEntry[] = [];

beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => {
  server.close();
  process.env = saved;
});
const WORKFLOW_QUEUES = catalogFrom(parseQueueYaml('queue:\n- name: workflow-flows\n  rate: 10/s\n- name: workflow-steps\n  rate: 10/s\n'));
let removeLayer: (() => void) | undefined;

/**
 * The settings the World sees: the environment as it is now (with `vars` set or, undefined,
 * removed), the recording transport, the logs collected, and these queues in place of queue.yaml.
 */
function useEnv(vars: Record<string, string | undefined> = {}, queues: QueueCatalog = WORKFLOW_QUEUES): void {
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  removeLayer?.();
  removeLayer = applyLayer({ options: { transport, logWriter: (entry) => logs.push(entry) }, doubles: { queues } });
}

beforeEach(() => {
  process.env = { ...saved, ...ENV };
  delete process.env.CLOUD_TASKS_EMULATOR_HOST;
  resetTokenVerifier();
  created = [];
  logs.length = 0;
  useEnv();
});
afterEach(() => {
  removeLayer?.();
  removeLayer = undefined;
});

const FLOW = '__wkf_workflow_workflow//./app/flows//signup' as ValidQueueName;
const STEP = '__wkf_step_step//./app/flows//sendMail' as ValidQueueName;
const body = (task: CreateTaskRequest) => decodeTaskMessage(task.body) as TaskMessage;

test('a step message is a task to the step route, in the step queue, with the OIDC token of the app', async () => {
  const world = createWorld();
  const { messageId } = await world.queue(
    STEP,
    { workflowName: 'w', workflowRunId: 'wrun_1', workflowStartedAt: 1, stepId: 'step_1' },
    {
      idempotencyKey: 'step_1',
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    },
  );
  expect(created).toHaveLength(1);
  const [task] = created;
  expect(task).toMatchObject({
    project: 'my-project',
    location: 'europe-west1',
    queue: 'workflow-steps',
    url: `${APP}/.well-known/workflow/v1/step`,
    oidcToken: { serviceAccountEmail: EMAIL, audience: APP },
    headers: { 'Content-Type': 'application/json', traceparent: expect.any(String) },
    dispatchDeadlineSeconds: 1800,
  });
  expect(task.scheduleTime).toBeUndefined();
  expect(body(task)).toEqual({ queueName: STEP, messageId, attempt: 1, payload: expect.objectContaining({ stepId: 'step_1' }) });
  expect(await world.getDeploymentId()).toBe('my-app-00042-xyz');
});

test("the SDK's idempotency key names the task: queueing it again creates nothing and returns the same message id", async () => {
  const world = createWorld();
  const payload = { workflowName: 'w', workflowRunId: 'wrun_1', workflowStartedAt: 1, stepId: 'step_1' };
  const first = await world.queue(STEP, payload, { idempotencyKey: 'step_1' });
  const again = await world.queue(STEP, payload, { idempotencyKey: 'step_1' });
  expect(again.messageId).toBe(first.messageId);
  expect(created).toHaveLength(1);
  // Without a key, each message is its own task.
  await world.queue(FLOW, { runId: 'wrun_1' });
  await world.queue(FLOW, { runId: 'wrun_1' });
  expect(created.filter((task) => task.queue === 'workflow-flows')).toHaveLength(2);
});

test('a delay is the schedule time; past 30 days the task is a hop that carries the real time', async () => {
  const world = createWorld();
  const before = Date.now();
  await world.queue(FLOW, { runId: 'wrun_1' }, { delaySeconds: 90 });
  await world.queue(FLOW, { runId: 'wrun_2' }, { delaySeconds: 45 * 24 * 3600 });
  const [short, long] = created;
  expect(short.scheduleTime!.getTime() - before).toBeGreaterThanOrEqual(90_000);
  expect(short.scheduleTime!.getTime() - before).toBeLessThan(91_000);
  expect(body(short).notBefore).toBeUndefined();
  expect(long.scheduleTime!.getTime() - before).toBeLessThan(HOP_MS + 1000);
  expect(body(long).notBefore! - before).toBeGreaterThanOrEqual(45 * 24 * 3600 * 1000);
});

test('a queue missing from queue.yaml is refused before any task, naming the file and the fix', async () => {
  useEnv({}, catalogFrom(parseQueueYaml('queue:\n- name: default\n  rate: 1/s\n')));
  await expect(createWorld().queue(FLOW, { runId: 'wrun_1' })).rejects.toThrow(UnknownQueueError);
  await expect(createWorld().queue(FLOW, { runId: 'wrun_1' })).rejects.toThrow(/workflow-flows.*queues apply/);
  expect(created).toHaveLength(0);
});

test('against Cloud Tasks without a database, start() and queueing fail with a message naming WORKFLOW_POSTGRES_URL', async () => {
  useEnv({ WORKFLOW_POSTGRES_URL: undefined });
  await expect(createWorld().start!()).rejects.toThrow(/WORKFLOW_POSTGRES_URL is not set: against Cloud Tasks/);
  await expect(createWorld().queue(FLOW, { runId: 'wrun_1' })).rejects.toThrow(/WORKFLOW_POSTGRES_URL is not set/);
  expect(created).toHaveLength(0);
});

test('with WORKFLOW_POSTGRES_URL set, a build made without @workflow/world-postgres fails at start(), naming the install command', async () => {
  // What withCloudTasks does when the app lacks the package: the import loads the stand-in.
  jest.doMock('@workflow/world-postgres', () => jest.requireActual('@/lib/src/workflow/missing-postgres'));
  try {
    const started = createWorld().start!();
    await expect(started).rejects.toThrow(WorkflowStorageError);
    await expect(started).rejects.toThrow(
      'WORKFLOW_POSTGRES_URL (runs kept in Postgres) needs the package @workflow/world-postgres, which is not installed: npm install @workflow/world-postgres',
    );
  } finally {
    jest.dontMock('@workflow/world-postgres');
  }
  expect(created).toHaveLength(0);
});

test('start() names each missing workflow queue of queue.yaml', async () => {
  useEnv({}, catalogFrom(parseQueueYaml('queue:\n- name: workflow-flows\n  rate: 1/s\n')));
  await expect(createWorld().start!()).rejects.toThrow(/queue "workflow-steps" is not in queue.yaml/);
});

describe('registerWorkflowWorld()', () => {
  beforeEach(() => useEnv({ WORKFLOW_POSTGRES_URL: undefined }));

  test("makes one World the SDK's, for the whole process (register-world.test.ts checks it with the SDK's runtime)", async () => {
    useEnv({ DEFERRED_STARTUP_CHECK: 'off', WORKFLOW_TARGET_WORLD: undefined });
    const world = await registerWorkflowWorld();
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('@workflow/world//cache')]).toBe(world);
    expect(process.env.WORKFLOW_TARGET_WORLD).toBe('next-cloud-tasks/workflow');
    expect(await registerWorkflowWorld()).toBe(world);
  });

  test('a bad configuration exits the process in production (DEFERRED_STARTUP_CHECK=fail), naming the variable', async () => {
    useEnv({ DEFERRED_STARTUP_CHECK: 'fail' });
    const exit = jest.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`process.exit(${code})`);
    });
    await expect(registerWorkflowWorld()).rejects.toThrow('process.exit(1)');
    exit.mockRestore();
    expect(logs).toEqual([
      expect.objectContaining({ severity: 'ERROR', message: expect.stringMatching(/WORKFLOW_POSTGRES_URL is not set/) }),
    ]);
  });

  test('warn logs the problem and goes on; off skips the check', async () => {
    useEnv({ DEFERRED_STARTUP_CHECK: 'warn' });
    await registerWorkflowWorld();
    expect(logs).toEqual([expect.objectContaining({ severity: 'WARNING', message: expect.stringMatching(/WORKFLOW_POSTGRES_URL/) })]);
    logs.length = 0;
    useEnv({ DEFERRED_STARTUP_CHECK: 'off' });
    await registerWorkflowWorld();
    expect(logs).toEqual([]);
  });
});

describe('the flow and step handler', () => {
  type Call = { message: unknown; meta: { attempt: number; queueName: string; messageId: string; requestId?: string } };
  let calls: Call[];
  let answer: () => Promise<void | { timeoutSeconds: number }>;
  const handler = () =>
    createWorld().createQueueHandler('__wkf_step_' as QueuePrefix, async (message, meta) => {
      calls.push({ message, meta });
      return answer();
    });
  beforeEach(() => {
    calls = [];
    answer = async () => undefined;
  });

  const token = (key = googleKey, claims = {}) => signIdToken(key, { aud: APP, email: EMAIL, ...claims });
  const bearer = async (pending: Promise<string>) => `Bearer ${await pending}`;
  const delivery = (options: { authorization?: string; message?: Partial<TaskMessage>; retryCount?: number; method?: string } = {}) => {
    const message = { queueName: STEP, messageId: 'msg_step_1', attempt: 1, payload: { stepId: 'step_1' }, ...options.message };
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-cloudtasks-taskname': 'abc-msg_step_1',
      'x-cloudtasks-taskretrycount': String(options.retryCount ?? 0),
    };
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    const method = options.method ?? 'POST';
    return new Request(`http://127.0.0.1:3000/.well-known/workflow/v1/step`, {
      method,
      headers,
      ...(method === 'POST' ? { body: new Uint8Array(encodeTaskMessage(message)) } : {}),
    });
  };

  test.each([
    ['no token', 401, async () => undefined],
    ['a token signed by another key', 401, () => bearer(token(strangerKey))],
    ['a token for another audience', 401, () => bearer(token(googleKey, { aud: 'https://evil.example.com' }))],
    ['an expired token', 401, () => bearer(token(googleKey, { iat: 1, exp: 2 }))],
    ['a valid token of another account', 403, () => bearer(token(googleKey, { email: 'someone@evil.iam.gserviceaccount.com' }))],
    ['a token whose email is not verified', 403, () => bearer(token(googleKey, { email_verified: false }))],
  ])('%s: refused (%i), and the message does not run', async (_name, status, authorization) => {
    const response = await handler()(delivery({ authorization: await authorization() }));
    expect(response.status).toBe(status);
    expect(calls).toHaveLength(0);
    expect(created).toHaveLength(0);
  });

  test('only POST: 405 with Allow', async () => {
    const response = await handler()(delivery({ authorization: await bearer(token()), method: 'GET' }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  test('a verified delivery runs the message, told its delivery number (first try plus Cloud Tasks retries)', async () => {
    const response = await handler()(delivery({ authorization: await bearer(token()), message: { attempt: 3 }, retryCount: 2 }));
    expect(response.status).toBe(200);
    expect(calls).toEqual([
      { message: { stepId: 'step_1' }, meta: { attempt: 5, queueName: STEP, messageId: 'msg_step_1', requestId: 'abc-msg_step_1' } },
    ]);
  });

  test('a redelivery asked with timeoutSeconds is a new task, made before the 2xx, and made once however often asked', async () => {
    answer = async () => ({ timeoutSeconds: 30 });
    const before = Date.now();
    const response = await handler()(delivery({ authorization: await bearer(token()) }));
    expect(response.status).toBe(200);
    expect(created).toHaveLength(1);
    expect(created[0].queue).toBe('workflow-steps');
    expect(created[0].scheduleTime!.getTime() - before).toBeGreaterThanOrEqual(30_000);
    expect(body(created[0])).toMatchObject({ queueName: STEP, messageId: 'msg_step_1', attempt: 2 });
    // Cloud Tasks delivers the same task again (the answer was lost): the same follow-up, refused as a duplicate.
    await handler()(delivery({ authorization: await bearer(token()), retryCount: 1 }));
    expect(created).toHaveLength(1);
  });

  test('timeoutSeconds 0 is a task due now', async () => {
    answer = async () => ({ timeoutSeconds: 0 });
    await handler()(delivery({ authorization: await bearer(token()) }));
    expect(created[0].scheduleTime).toBeUndefined();
  });

  test('the handler throws: 500, so Cloud Tasks retries the delivery', async () => {
    answer = async () => {
      throw new Error('database unreachable');
    };
    const response = await handler()(delivery({ authorization: await bearer(token()) }));
    expect(response.status).toBe(500);
    expect(logs.some((entry) => entry.message.includes('database unreachable'))).toBe(true);
  });

  test('a hop of a long delay that arrives early is sent on, and nothing runs yet', async () => {
    const notBefore = Date.now() + HOP_MS + 5 * 24 * 3600_000;
    const response = await handler()(delivery({ authorization: await bearer(token()), message: { notBefore } }));
    expect(response.status).toBe(200);
    expect(calls).toHaveLength(0);
    expect(created).toHaveLength(1);
    expect(created[0].taskId).toBe('abc-msg_step_1-h');
    expect(body(created[0]).notBefore).toBe(notBefore);
    // Past its time, the same message runs.
    await handler()(delivery({ authorization: await bearer(token()), message: { notBefore: Date.now() - 1 } }));
    expect(calls).toHaveLength(1);
  });

  test('the last hop of a long delay is scheduled at the due time itself and carries no due time', async () => {
    const notBefore = Date.now() + 3 * 24 * 3600_000;
    const response = await handler()(delivery({ authorization: await bearer(token()), message: { notBefore } }));
    expect(response.status).toBe(200);
    expect(calls).toHaveLength(0);
    expect(created[0].scheduleTime!.getTime()).toBe(notBefore);
    expect(body(created[0]).notBefore).toBeUndefined();
  });

  test('a flow message sent to the step route does not run (500, retried)', async () => {
    const response = await handler()(delivery({ authorization: await bearer(token()), message: { queueName: FLOW } }));
    expect(response.status).toBe(500);
    expect(calls).toHaveLength(0);
  });
});
