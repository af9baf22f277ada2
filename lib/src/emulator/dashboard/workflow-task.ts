/**
 * How the dashboard shows a task of the Workflow SDK World (docs/workflows.md): a task to the
 * app's `/.well-known/workflow/v1/flow` or `/step` route, whose body is a workflow message
 * (contract/workflow-message.ts) rather than a deferred envelope. What it runs is in the SDK's
 * queue name and payload: the kind, the workflow's or step's name, the run, the attempt the SDK
 * will see, and, for a delay past Cloud Tasks' 30 days, when it is really due.
 *
 * A task body is written by anyone who can reach the emulator's API, so every text read from it
 * is made printable and cut short here (a name of a megabyte, bidi overrides, control characters),
 * and escaped where it is rendered (html.ts). Only the route decides that a task is a workflow
 * task: a deferred task whose body looks like a workflow message is shown as the deferred task it is.
 */
import { decodeTaskMessage, parseWorkflowQueueName, WORKFLOW_ROUTES } from '../../contract/workflow-message.js';
import { truncate } from './format.js';

/** The route a workflow task calls: `flow` wakes a workflow function, `step` runs a step. */
export type WorkflowRoute = 'flow' | 'step';

export interface WorkflowTaskView {
  route: WorkflowRoute;
  /** Why the app's route would not run this body; the fields below are then what could be read. */
  problem?: string;
  /** The function's short name (`sendWelcome`), as the SDK's own tools show it. */
  name?: string;
  /** The module it is in (`./app/_workflows/onboarding`). */
  module?: string;
  /** The SDK's whole id of the function (`step//./app/_workflows/onboarding//sendWelcome`). */
  sdkName?: string;
  /** A step's workflow, by its short name (the step message's `workflowName`). */
  workflow?: string;
  runId?: string;
  stepId?: string;
  messageId?: string;
  /** The attempt number the SDK sees on the delivery shown (1 on a message's first delivery). */
  attempt?: number;
  /** A hop of a delay past 30 days: when the message is due to the SDK (epoch ms). */
  notBefore?: number;
  /** The SDK's payload, decoded (bytes as Uint8Array), for the task's own page. */
  payload?: unknown;
}

/** Characters that hide or reorder text (controls, bidi overrides, zero-width): shown as U+FFFD. */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

/** Text from a task body made safe to read: invisible characters replaced, at most `max` characters. */
export function printable(text: string, max: number): string {
  return truncate(text.slice(0, max + 1).replace(INVISIBLE, '\ufffd'), max);
}

const NAME_MAX = 60;
const ID_MAX = 120;

/** Which workflow route a task's URL calls, if any (the app's URL may have a path before it). */
export function workflowRoute(url: string): WorkflowRoute | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  if (path.endsWith(WORKFLOW_ROUTES.workflow)) return 'flow';
  if (path.endsWith(WORKFLOW_ROUTES.step)) return 'step';
  return undefined;
}

/** The SDK's function ids are `workflow//<module>//<function>` (nested functions `outer/inner`). */
function functionName(id: string): Pick<WorkflowTaskView, 'name' | 'module' | 'sdkName'> {
  const [tag, module, ...rest] = id.split('//', 64);
  const sdkName = printable(id, 300);
  if ((tag !== 'workflow' && tag !== 'step') || !module || rest.length === 0) return { name: printable(id, NAME_MAX), sdkName };
  const fn = rest.join('//');
  const short = fn.slice(fn.lastIndexOf('/') + 1) || fn;
  return { name: printable(short, NAME_MAX), module: printable(module, 200), sdkName };
}

const text = (value: unknown, max: number) => (typeof value === 'string' && value !== '' ? printable(value, max) : undefined);

/**
 * The task as a workflow message, or undefined when its URL is not a workflow route.
 * `retries`: the attempts of this task before the delivery shown (the SDK adds them to the
 * message's attempt, as the World's handler does with `X-CloudTasks-TaskRetryCount`).
 */
export function describeWorkflowTask(url: string, base64Body: string | undefined, retries: number): WorkflowTaskView | undefined {
  const route = workflowRoute(url);
  if (!route) return undefined;
  if (!base64Body) return { route, problem: 'no body: not a workflow message' };
  const message = decodeTaskMessage(Buffer.from(base64Body, 'base64'));
  if ('problem' in message) return { route, problem: message.problem };

  const view: WorkflowTaskView = {
    route,
    messageId: printable(message.messageId, ID_MAX),
    attempt: message.attempt + Math.max(0, retries),
    ...(message.notBefore !== undefined && { notBefore: message.notBefore }),
    payload: message.payload,
  };
  const queue = parseWorkflowQueueName(message.queueName);
  if (!queue) return { ...view, problem: `${printable(message.queueName, NAME_MAX)} is not a Workflow SDK queue name` };
  Object.assign(view, functionName(queue.id));
  const payload = (message.payload ?? {}) as Record<string, unknown>;
  const runId = text(payload.runId, ID_MAX) ?? text(payload.workflowRunId, ID_MAX);
  if (runId) view.runId = runId;
  const stepId = text(payload.stepId, ID_MAX);
  if (stepId) view.stepId = stepId;
  if (queue.kind === 'step' && typeof payload.workflowName === 'string') view.workflow = functionName(payload.workflowName).name;
  const sentTo = queue.kind === 'workflow' ? 'flow' : 'step';
  // The World's handler refuses a message of the other kind (it retries, then dead-letters it).
  if (sentTo !== route) view.problem = `a ${sentTo} message sent to the ${route} route: the app refuses it`;
  return view;
}
