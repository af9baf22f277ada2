/**
 * How the dashboard reads a workflow task (lib/src/emulator/dashboard/workflow-task.ts and
 * task-cells.ts): bodies made by the World's own queue (its `queue()` with the SDK's payloads,
 * into a recording transport), then malformed, look-alike and hostile ones, which must come out
 * printable, short and escaped.
 */
import type { ValidQueueName } from '@workflow/world';
import type { CreateTaskRequest, TaskTransport } from '@/lib/src/contract/transport';
import { encodeTaskMessage } from '@/lib/src/contract/workflow-message';
import { encodeEnvelope } from '@/lib/src/contract/envelope';
import { catalogFrom } from '@/lib/src/runtime/queue-catalog';
import { parseQueueYaml } from '@/lib/src/queues/parse';
import { applyLayer } from '@/lib/src/runtime/options-state';
import { createWorld } from '@/lib/src/workflow/index';
import { describeWorkflowTask, printable, workflowRoute } from '@/lib/src/emulator/dashboard/workflow-task';
import { taskCells } from '@/lib/src/emulator/dashboard/task-cells';
import type { TaskRecord } from '@/lib/src/emulator/model';

const APP = 'http://127.0.0.1:3000';
const FLOW_URL = `${APP}/.well-known/workflow/v1/flow`;
const STEP_URL = `${APP}/.well-known/workflow/v1/step`;
const FLOW = '__wkf_workflow_workflow//./app/_workflows/onboarding//onboarding' as ValidQueueName;
const STEP = '__wkf_step_step//./app/_workflows/onboarding//sendWelcome' as ValidQueueName;

let created: CreateTaskRequest[] = [];
const transport: TaskTransport = {
  async createTask(request) {
    created.push(request);
    return { name: `projects/p/locations/l/queues/${request.queue}/tasks/${request.taskId}` };
  },
};
const saved = { ...process.env };
let removeLayer: () => void;

beforeAll(() => {
  Object.assign(process.env, {
    GOOGLE_CLOUD_PROJECT: 'dev-project',
    CLOUD_TASKS_LOCATION: 'us-central1',
    DEFERRED_SERVICE_URL: APP,
    DEFERRED_SERVICE_ACCOUNT: 'deferred-tasks@dev-project.iam.gserviceaccount.com',
    WORKFLOW_POSTGRES_URL: 'postgres://nobody@127.0.0.1:1/none', // never opened: only the queue is used
  });
  const queues = catalogFrom(parseQueueYaml('queue:\n- name: workflow-flows\n  rate: 10/s\n- name: workflow-steps\n  rate: 10/s\n'));
  removeLayer = applyLayer({ options: { transport }, doubles: { queues } });
});
afterAll(() => {
  removeLayer();
  process.env = saved;
});
beforeEach(() => (created = []));

const base64 = (body: Uint8Array) => Buffer.from(body).toString('base64');
/** The task the World made, as the emulator stores it. */
function record(request: CreateTaskRequest, extra: Partial<TaskRecord> = {}): TaskRecord {
  return {
    name: `projects/dev-project/locations/us-central1/queues/${request.queue}/tasks/${request.taskId}`,
    queue: `projects/dev-project/locations/us-central1/queues/${request.queue}`,
    state: 'queued',
    url: request.url,
    httpMethod: 'POST',
    headers: {},
    body: base64(request.body),
    scheduleTimeMs: request.scheduleTime?.getTime() ?? Date.now(),
    createTimeMs: Date.now(),
    dispatchDeadlineSeconds: 1800,
    dispatchCount: 0,
    responseCount: 0,
    executionCount: 0,
    ...extra,
  };
}

test("a run's first message, made by the World: flow, the workflow's name, the run, attempt 1, its input as bytes", async () => {
  const input = new Uint8Array([1, 2, 3, 0, 255]);
  await createWorld().queue(FLOW, {
    runId: 'wrun_01KAB',
    requestedAt: new Date('2026-12-06T08:00:00Z'),
    runInput: { input, deploymentId: 'local', workflowName: 'workflow//./app/_workflows/onboarding//onboarding', specVersion: 3 },
  });
  const [task] = created;
  const view = describeWorkflowTask(task.url, base64(task.body), 0);
  expect(view).toMatchObject({
    route: 'flow',
    name: 'onboarding',
    module: './app/_workflows/onboarding',
    sdkName: 'workflow//./app/_workflows/onboarding//onboarding',
    runId: 'wrun_01KAB',
    attempt: 1,
  });
  expect(view?.problem).toBeUndefined();
  expect(view?.messageId).toMatch(/^msg_/);
  expect((view?.payload as any).runInput.input).toEqual(input);
});

test('a step message: step, its name, the run from workflowRunId, its step id; retries of the task add to the attempt', async () => {
  await createWorld().queue(
    STEP,
    {
      workflowName: 'workflow//./app/_workflows/onboarding//onboarding',
      workflowRunId: 'wrun_01KAB',
      workflowStartedAt: 1,
      stepId: 'step_01KAC',
    },
    { idempotencyKey: 'step_01KAC' },
  );
  const [task] = created;
  expect(describeWorkflowTask(task.url, base64(task.body), 2)).toMatchObject({
    route: 'step',
    name: 'sendWelcome',
    runId: 'wrun_01KAB',
    stepId: 'step_01KAC',
    messageId: 'msg_step_01KAC',
    attempt: 3,
  });
  const cells = taskCells(record(task, { dispatchCount: 2 }), Date.now());
  expect(cells.fn.value).toMatch(
    /class="badge wf step">step<\/span>[\s\S]*title="step\/\/\.\/app\/_workflows\/onboarding\/\/sendWelcome">sendWelcome</,
  );
  expect(cells.args.value).toMatch(/run <span class="wf-run">wrun_01KAB<\/span> \(onboarding\) · step id step_01KAC · .*attempt 3</);
});

test('a delayed message shows when it runs; a delay past 30 days shows its real time, not the hop', async () => {
  const world = createWorld();
  await world.queue(FLOW, { runId: 'wrun_sleepy' }, { delaySeconds: 3600 });
  await world.queue(FLOW, { runId: 'wrun_patient' }, { delaySeconds: 90 * 86400 });
  const now = Date.now();
  const [hour, ninety] = created.map((task) => record(task));
  expect(taskCells(hour, now).args.value).toMatch(/wakes at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  const due = new Date(hour.scheduleTimeMs).toISOString().slice(0, 19).replace('T', ' ');
  expect(taskCells(hour, now).args.value).toContain(`wakes at ${due} UTC`);
  // The same task after a failed delivery: Cloud Tasks' retry, not a wake-up.
  expect(taskCells({ ...hour, dispatchCount: 1 }, now).args.value).toContain(`retries at ${due} UTC`);
  const hop = describeWorkflowTask(ninety.url, ninety.body, 0);
  expect(hop?.notBefore).toBeGreaterThan(ninety.scheduleTimeMs);
  expect(taskCells(ninety, now).args.value).toMatch(/long delay: due .* \(in 90 d\), sent on in 30-day hops/);
});

test('only the flow and step routes make a workflow task: the same body sent to the deferred route is a deferred task', () => {
  const body = base64(encodeTaskMessage({ queueName: STEP, messageId: 'msg_1', attempt: 1, payload: { stepId: 's' } }));
  expect(describeWorkflowTask(`${APP}/_ah/queue/deferred/demo.greet`, body, 0)).toBeUndefined();
  expect(describeWorkflowTask('not a url', body, 0)).toBeUndefined();
  expect(workflowRoute(`${APP}/base/path/.well-known/workflow/v1/step`)).toBe('step');
  expect(workflowRoute(`${APP}/.well-known/workflow/v1/step/extra`)).toBeUndefined();
});

test.each([
  ['no body', undefined, /no body/],
  ['not JSON', base64(Buffer.from('{"v":1,')), /not JSON/],
  ['a deferred envelope', base64(encodeEnvelope('demo.greet', ['Ada'])), /not a workflow task/],
  ['JSON null', base64(Buffer.from('null')), /not a workflow task/],
  [
    'a name that is not the SDK’s',
    base64(encodeTaskMessage({ queueName: 'default', messageId: 'm', attempt: 1, payload: {} })),
    /not a Workflow SDK queue name/,
  ],
  [
    'a step message sent to the flow route',
    base64(encodeTaskMessage({ queueName: STEP, messageId: 'm', attempt: 1, payload: {} })),
    /a step message sent to the flow route/,
  ],
])('%s, sent to the flow route: a problem, said in the row, and the page still renders', (_name, body, problem) => {
  const view = describeWorkflowTask(FLOW_URL, body, 0);
  expect(view?.route).toBe('flow');
  expect(view?.problem).toMatch(problem);
  const cells = taskCells(
    { ...record({ queue: 'workflow-flows', taskId: 't', url: FLOW_URL, body: new Uint8Array() } as never), body },
    Date.now(),
  );
  expect(cells.args.value).toContain('class="wf-problem"');
});

test('hostile text in the queue name and payload is escaped, made printable and cut short', () => {
  const script = '<script>alert(1)</script><img src=x onerror=alert(2)>';
  const long = 'x'.repeat(200_000);
  const bidi = 'evil\u202egnp.exe\u0000\u200b';
  const body = encodeTaskMessage({
    queueName: `__wkf_step_step//${script}//${bidi}${long}`,
    messageId: `msg_${script}`,
    attempt: 1,
    payload: { workflowRunId: `wrun_${script}${long}`, stepId: { toString: 'no' }, extra: script },
  });
  const view = describeWorkflowTask(STEP_URL, base64(body), 0)!;
  expect(view.name!.length).toBeLessThanOrEqual(80);
  expect(view.name).toMatch(/^evil\ufffdgnp\.exe\ufffd\ufffdx+…$/);
  expect(view.runId!.length).toBeLessThanOrEqual(120);
  expect(view.stepId).toBeUndefined();
  const cells = taskCells(record({ queue: 'workflow-steps', taskId: 't', url: STEP_URL, body } as never), Date.now());
  const rendered = cells.fn.value + cells.args.value;
  expect(rendered).not.toMatch(/<script|<img/);
  expect(rendered).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(rendered.length).toBeLessThan(2000);
});

test('printable() replaces controls, bidi overrides and zero-width characters, and cuts to the length', () => {
  expect(printable('a\u0007b\u202ec\u2066d\ufeffe', 100)).toBe('a\ufffdb\ufffdc\ufffdd\ufffde');
  expect(printable('abcdef', 4)).toBe('abc…');
  expect(printable('ok', 4)).toBe('ok');
});
