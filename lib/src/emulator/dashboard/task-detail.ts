/**
 * One task's page (`/task?name=<task name>`): everything the emulator keeps about it (where it
 * goes, when, each count of its attempts, the last answer, its headers) and its body decoded:
 * a workflow message field by field, a deferred envelope as its function and arguments, anything
 * else as text or bytes. One task is read by name, so the page costs the same at any queue size.
 */
import { shortId } from '../../contract/names.js';
import type { TaskRecord } from '../model.js';
import { action, type FormContext } from './action-form.js';
import { decodeTaskBody, formatRelative, formatTaskRetry, formatValue, truncate, type ObjectPeek } from './format.js';
import { html, type SafeHtml } from './html.js';
import { retriesBefore, utcTime, workflowDelay, workflowLabel } from './task-cells.js';
import { describeWorkflowTask, printable, type WorkflowTaskView } from './workflow-task.js';

export interface TaskDetailModel extends FormContext {
  /** The name asked for, and the task when the store has it. */
  name: string;
  task?: TaskRecord;
  nowMs: number;
  peekObject?: ObjectPeek;
}

/** A long value on this page: whole enough to read, never the whole megabyte. */
const LONG = 4000;

type Row = [label: string, value: SafeHtml | string | number | undefined];

function rows(list: Row[]): SafeHtml {
  return html`<dl class="detail">
    ${list
      .filter(([, value]) => value !== undefined && value !== '')
      .map(
        ([label, value]) =>
          html`<dt>${label}</dt>
            <dd>${value}</dd>`,
      )}
  </dl>`;
}

const when = (ms: number | undefined, nowMs: number) => (ms === undefined ? undefined : `${utcTime(ms)} (${formatRelative(ms, nowMs)})`);

function workflowRows(view: WorkflowTaskView, task: TaskRecord, nowMs: number): SafeHtml {
  const payload = view.payload as { requestedAt?: unknown; runInput?: { deploymentId?: unknown } } | undefined;
  return rows([
    ['Problem', view.problem && html`<span class="wf-problem">${view.problem}</span>`],
    ['Kind', workflowLabel(view)],
    ['Function', view.sdkName],
    ['Module', view.module],
    ['Workflow', view.workflow],
    ['Run', view.runId],
    ['Step id', view.stepId],
    ['Message id', view.messageId],
    ['Attempt (SDK)', view.attempt],
    ['Runs', workflowDelay(view, task, nowMs)],
    ['Requested', typeof payload?.requestedAt === 'string' ? printable(payload.requestedAt, 40) : undefined],
    ['Deployment', typeof payload?.runInput?.deploymentId === 'string' ? printable(payload.runInput.deploymentId, 120) : undefined],
    ['Payload', view.payload === undefined ? undefined : html`<pre>${printable(formatValue(view.payload), LONG)}</pre>`],
  ]);
}

function bodyRows(task: TaskRecord, model: TaskDetailModel): SafeHtml {
  const view = describeWorkflowTask(task.url, task.body, retriesBefore(task));
  if (view) return workflowRows(view, task, model.nowMs);
  const body = decodeTaskBody(task.body, model.peekObject);
  return rows([
    ['Function', body.fn],
    ['Arguments', html`<pre>${printable(body.args, LONG)}</pre>`],
    ['Payload', body.payload],
  ]);
}

function taskRows(task: TaskRecord, nowMs: number): SafeHtml {
  const last = task.lastAttempt;
  const headers = Object.entries(task.headers).map(([name, value]) => `${printable(name, 100)}: ${printable(value, 300)}`);
  return rows([
    ['Queue', html`<a href="/?queue=${encodeURIComponent(shortId(task.queue))}">${shortId(task.queue)}</a>`],
    ['State', html`<span class="badge ${task.state}">${task.state}</span>`],
    ['Target', `${task.httpMethod} ${printable(task.url, 500)}`],
    ['Scheduled', when(task.scheduleTimeMs, nowMs)],
    ['Created', when(task.createTimeMs, nowMs)],
    ['Attempts', `${task.dispatchCount} dispatched · ${task.responseCount} answered · ${task.executionCount} counted as executions`],
    ['Own retry', task.retryConfig && formatTaskRetry(task.retryConfig)],
    ['First attempt', when(task.firstAttempt?.dispatchTimeMs, nowMs)],
    [
      'Last attempt',
      last &&
        `${when(last.dispatchTimeMs, nowMs)}: ${last.httpStatus !== undefined ? `HTTP ${last.httpStatus}` : (task.retryReason ?? 'no answer yet')}`,
    ],
    ['Last error', task.lastError && html`<pre>${printable(task.lastError, LONG)}</pre>`],
    ['Dead-lettered', task.deadReason && `${when(task.deadTimeMs, nowMs) ?? ''}: ${truncate(task.deadReason, LONG)}`],
    ['OIDC token', task.oidcToken && `${task.oidcToken.serviceAccountEmail}, audience ${task.oidcToken.audience ?? '(the URL)'}`],
    ['Dispatch deadline', `${task.dispatchDeadlineSeconds} s`],
    ['Headers', html`<pre>${headers.join('\n')}</pre>`],
  ]);
}

/** The link from a task row to its page. */
export function taskLink(task: TaskRecord): SafeHtml {
  return html`<a href="/task?name=${encodeURIComponent(task.name)}">${truncate(shortId(task.name), 40)}</a>`;
}

export function renderTaskDetail(model: TaskDetailModel): SafeHtml {
  const { task } = model;
  if (!task)
    return html`<section>
      <h2>Task <span class="mono">${printable(shortId(model.name), 200)}</span></h2>
      <p class="empty">No such task: it ran and was deleted, was deleted, or never existed. <a href="/">All queues</a></p>
    </section>`;
  const buttons =
    task.state === 'dead'
      ? html`${action(model, 'dead-replay', task.name, 'Replay')} ${action(model, 'dead-delete', task.name, 'Delete', { kind: 'danger' })}`
      : html`${task.state === 'running' ? '' : action(model, 'task-run', task.name, 'Run now')}
        ${action(model, 'task-delete', task.name, 'Delete', { kind: 'danger' })}`;
  return html`<section class="task-detail" data-task-detail="${shortId(task.name)}">
    <h2>
      Task <span class="mono">${shortId(task.name)}</span>
      <a href="/?queue=${encodeURIComponent(shortId(task.queue))}" class="small">back to ${shortId(task.queue)}</a>
    </h2>
    <div class="actions">${buttons}</div>
    <h3>What it runs</h3>
    ${bodyRows(task, model)}
    <h3>The task</h3>
    ${taskRows(task, model.nowMs)}
  </section>`;
}
