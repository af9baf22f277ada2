/**
 * The dashboard with real workflow tasks: the Workflow SDK's runtime on next-cloud-tasks/workflow
 * runs `signup` (a step, an hour's sleep, a step) through the emulator. The step waits in its
 * paused queue, then the sleep waits an hour ahead: the queue page, a task's page and Recent
 * activity show kind, name, run and attempt, not an opaque body. A hostile task sent to the flow
 * route through the API is shown escaped and cut short, and the page still renders.
 */
import { shortId } from '@/lib/src/contract/names';
import { encodeTaskMessage } from '@/lib/src/contract/workflow-message';
import { QUEUES, startWorkflowTasks, type WorkflowTasks } from './support/workflow-tasks';

jest.setTimeout(240_000);

let loop: WorkflowTasks;
let runId: string;

beforeAll(async () => {
  loop = await startWorkflowTasks();
});
afterAll(async () => {
  await loop?.stop();
});

const page = async (path: string) => (await fetch(`${loop.emulator.url}${path}`)).text();
/** The <tr> of a task on a page. */
const row = (html: string, taskName: string) => {
  const start = html.indexOf(`<tr data-task="${shortId(taskName)}"`);
  if (start < 0) throw new Error(`no row for ${taskName} in:\n${html}`);
  return html.slice(start, html.indexOf('</tr>', start));
};
/** Text without tags and runs of white space, to match what a reader sees. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

test('a step waiting in its queue: step, its name, the run, attempt 1, on the queue page and its own page', async () => {
  await loop.api('POST', `${QUEUES}/workflow-steps:pause`, {});
  runId = await loop.startSignup('Ada');
  const [step] = await loop.waitForTasks('workflow-steps', (tasks) => tasks.length === 1);

  const cells = text(row(await page('/?queue=workflow-steps'), step.name));
  expect(cells).toContain('step createAccount');
  expect(cells).toMatch(new RegExp(`run ${runId} \\(signup\\) · step id step_\\w+ · attempt 1`));
  expect(cells).not.toContain('"v":1'); // not the opaque body

  const detail = text(await page(`/task?name=${encodeURIComponent(step.name)}`));
  expect(detail).toContain('Kind step createAccount');
  expect(detail).toContain('Function step//./workflows/signup//createAccount');
  expect(detail).toContain('Module ./workflows/signup Workflow signup');
  expect(detail).toContain(`Run ${runId}`);
  expect(detail).toMatch(/Step id step_\w+ Message id msg_step_\w+ Attempt \(SDK\) 1/);
  expect(detail).toContain('Target POST http://127.0.0.1:');
  expect(detail).toContain('/.well-known/workflow/v1/step');
});

test('after the step, the sleep is a flow task an hour ahead: flow, the workflow, the run, when it wakes', async () => {
  await loop.api('POST', `${QUEUES}/workflow-steps:resume`, {});
  const [sleeping] = await loop.waitForTasks('workflow-flows', (tasks) =>
    tasks.some((task) => Date.parse(task.scheduleTime) > Date.now() + 3_000_000),
  );
  const due = new Date(Date.parse(sleeping.scheduleTime)).toISOString().slice(0, 19).replace('T', ' ');

  const cells = text(row(await page('/?queue=workflow-flows'), sleeping.name));
  expect(cells).toContain('flow signup');
  expect(cells).toMatch(new RegExp(`run ${runId} · attempt 2 wakes at ${due} UTC`));
  expect(cells).toContain('in 60 min');

  const detail = text(await page(`/task?name=${encodeURIComponent(sleeping.name)}`));
  expect(detail).toContain('Kind flow signup');
  expect(detail).toContain(`Runs wakes at ${due} UTC`);
  expect(detail).toMatch(/Scheduled \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in 60 min\)/);
});

test('Recent activity names what each delivery ran: the flow, the step, with the run', async () => {
  const activity = text((await page('/')).split('<h2>Recent activity</h2>')[1]);
  expect(activity).toMatch(new RegExp(`success workflow-steps/\\S+ step createAccount run ${runId} attempt 1: HTTP 200`));
  expect(activity).toMatch(new RegExp(`success workflow-flows/\\S+ flow signup run ${runId} attempt 1: HTTP 200`));
});

test('a hostile task sent to the flow route is shown escaped and cut short; the page still renders', async () => {
  await loop.api('POST', `${QUEUES}/workflow-flows:pause`, {});
  const body = encodeTaskMessage({
    queueName: `__wkf_workflow_workflow//<script>alert(1)</script>//${'<b>'.repeat(50_000)}`,
    messageId: '<img src=x onerror=alert(2)>',
    attempt: 1,
    payload: { runId: `wrun_<script>${'y'.repeat(10_000)}` },
  });
  const url = `${loop.server.url}/.well-known/workflow/v1/flow`;
  const hostile = await loop.api('POST', `${QUEUES}/workflow-flows/tasks`, {
    task: { httpRequest: { url, httpMethod: 'POST', body: Buffer.from(body).toString('base64') } },
  });
  const queuePage = await page('/?queue=workflow-flows');
  const cells = row(queuePage, hostile.name);
  expect(cells).not.toMatch(/<script|<img|<b>/);
  expect(cells).toContain('&lt;b&gt;');
  expect(cells.length).toBeLessThan(3000);
  expect(queuePage).toContain('</html>');
  const detail = await page(`/task?name=${encodeURIComponent(hostile.name)}`);
  expect(detail.slice(detail.indexOf('<main>'))).not.toMatch(/<script>alert|<img|<b>/);
  expect(detail.length).toBeLessThan(40_000);
  await loop.api('DELETE', hostile.name);
});

test("a task's page for a name that is gone says so", async () => {
  const gone = await page(`/task?name=${encodeURIComponent(`${QUEUES}/workflow-flows/tasks/nothing-here`)}`);
  expect(text(gone)).toContain('No such task');
});
