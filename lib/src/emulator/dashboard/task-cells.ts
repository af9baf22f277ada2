/**
 * What a task row says it runs (its Function and Arguments cells, and the line of Recent
 * activity): for a workflow task, the kind, the workflow's or step's name, the run and the SDK's
 * attempt (workflow-task.ts); for any other task, the deferred envelope's function and arguments
 * (format.ts). Only the rows shown are decoded, so the page costs the same with a million tasks.
 */
import type { TaskRecord } from '../model.js';
import { decodeTaskBody, formatRelative, type ObjectPeek } from './format.js';
import { html, type SafeHtml } from './html.js';
import { describeWorkflowTask, type WorkflowTaskView } from './workflow-task.js';

export interface TaskCells {
  fn: SafeHtml;
  args: SafeHtml;
}

/** `2026-12-06 10:43:12 UTC` */
export function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Attempts made before the delivery a row shows: a running task's current one is not a retry yet. */
export const retriesBefore = (task: TaskRecord) => Math.max(0, task.dispatchCount - (task.state === 'running' ? 1 : 0));

/** `[step] sendWelcome`, the SDK's whole id in its title. */
export function workflowLabel(view: WorkflowTaskView): SafeHtml {
  return html`<span class="badge wf ${view.route}">${view.route}</span>
    <span class="wf-name" title="${view.sdkName ?? ''}">${view.name ?? '?'}</span>`;
}

/**
 * When a not-yet-due workflow task runs: Cloud Tasks' retry of a failed delivery, a workflow's
 * wake-up (the end of a sleep), a step's retry the SDK asked for, or a long delay's real time.
 */
export function workflowDelay(
  view: WorkflowTaskView,
  task: Pick<TaskRecord, 'scheduleTimeMs' | 'dispatchCount'>,
  nowMs: number,
): string | undefined {
  if (view.notBefore !== undefined && view.notBefore > task.scheduleTimeMs) {
    return `long delay: due ${utcTime(view.notBefore)} (${formatRelative(view.notBefore, nowMs)}), sent on in 30-day hops`;
  }
  if (task.scheduleTimeMs <= nowMs) return undefined;
  const what =
    task.dispatchCount > 0 || (view.route === 'step' && (view.attempt ?? 1) > 1) ? 'retries' : view.route === 'flow' ? 'wakes' : 'due';
  return `${what} at ${utcTime(task.scheduleTimeMs)}`;
}

function workflowFacts(view: WorkflowTaskView, delay: string | undefined): SafeHtml {
  const facts = [
    view.runId && html`run <span class="wf-run">${view.runId}</span>${view.workflow ? ` (${view.workflow})` : ''}`,
    view.stepId && html`step id ${view.stepId}`,
    view.attempt !== undefined && html`<span title="the attempt number the SDK sees on this delivery">attempt ${view.attempt}</span>`,
  ].filter((fact): fact is SafeHtml => Boolean(fact));
  return html`${view.problem ? html`<div class="wf-problem">${view.problem}</div>` : ''}
    <div>${facts.map((fact, index) => (index ? html` · ${fact}` : fact))}</div>
    ${delay ? html`<div class="wf-delay">${delay}</div>` : ''}`;
}

export function taskCells(task: TaskRecord, nowMs: number, peek?: ObjectPeek): TaskCells {
  const view = describeWorkflowTask(task.url, task.body, retriesBefore(task));
  if (view) return { fn: workflowLabel(view), args: workflowFacts(view, workflowDelay(view, task, nowMs)) };
  const body = decodeTaskBody(task.body, peek);
  return {
    fn: html`${body.fn ?? '—'}`,
    args: html`${body.args}${body.payload ? html`<div class="muted payload">payload ${body.payload}</div>` : ''}`,
  };
}
