/**
 * The dashboard page, server-rendered: queues, tasks, dead letters, recent activity. Every value
 * goes through the `html` tag (escaped); actions are POST forms; a small script re-fetches the
 * page body every 2 s (and a <noscript> meta refresh does without it).
 */
import { createHash } from 'node:crypto';
import { redirectHint } from '../../contract/redirect-hint.js';
import type { ActivityEntry } from '../activity.js';
import type { CronJobRecord } from '../cron-jobs.js';
import { cronSection } from './cron-section.js';
import { shortId } from '../../contract/names.js';
import type { QueueRecord, TaskRecord } from '../model.js';
import type { TaskCounts } from '../store.js';
import { action } from './action-form.js';
import { decodeTaskBody, formatRelative, formatSeconds, formatTaskRetry, keptDeadReason, truncate, type ObjectPeek } from './format.js';
import { html, SafeHtml } from './html.js';
import { STYLE } from './style.js';

export interface DashboardModel {
  nowMs: number;
  project: string;
  location: string;
  /** Short id of the queue the task lists are filtered to. */
  filterQueue?: string;
  queues: { queue: QueueRecord; counts: TaskCounts }[];
  tasks: TaskRecord[];
  dead: TaskRecord[];
  activity: readonly ActivityEntry[];
  /** Shown once after an action (its outcome or error). */
  notice?: { text: string; error: boolean };
  /** Where action forms come back to. */
  back: string;
  /** host:port the page was reached at, for the app's CLOUD_TASKS_EMULATOR_HOST hint. */
  hostPort?: string;
  /** This start's form token (form-token.ts), in every action form. */
  formToken: string;
  /** cron.yaml's jobs with their next run and last result. */
  cronJobs?: CronJobRecord[];
  /** The Cloud Storage stand-in's objects, for tasks whose payload was offloaded. */
  peekObject?: ObjectPeek;
}

export const REFRESH_MS = 2000;

function queueRows(model: DashboardModel): SafeHtml {
  if (model.queues.length === 0)
    return html`<tr>
      <td colspan="8" class="empty">No queues yet. Add them to queue.yaml and restart, or create one with the API.</td>
    </tr>`;
  return html`${model.queues.map(({ queue, counts }) => {
    const id = shortId(queue.name);
    const { rateLimits: rate, retryConfig: retry } = queue;
    const paused = queue.state === 'PAUSED';
    // Past tens of thousands on both sides of "due now", the split is a lower bound (task-store.ts).
    const atLeast = counts.atLeast ? '≥ ' : '';
    return html`<tr data-queue="${id}">
      <td>
        <a href="/?queue=${encodeURIComponent(id)}"><strong>${id}</strong></a>
        <div class="muted">${queue.source}</div>
      </td>
      <td><span class="badge ${paused ? 'paused' : 'running'}">${queue.state}</span></td>
      <td>
        ${rate.maxDispatchesPerSecond}/s
        <div class="muted">burst ${rate.maxBurstSize}, ≤ ${rate.maxConcurrentDispatches} at once</div>
      </td>
      <td>
        ${retry.maxAttempts === -1 ? 'unlimited' : retry.maxAttempts} attempts
        <div class="muted">
          ${retry.maxRetryDurationSeconds ? `for ≥ ${formatSeconds(retry.maxRetryDurationSeconds)}` : 'no time limit'}
        </div>
      </td>
      <td>
        ${formatSeconds(retry.minBackoffSeconds)} → ${formatSeconds(retry.maxBackoffSeconds)}
        <div class="muted">${retry.maxDoublings} doublings</div>
      </td>
      <td class="counts">
        <span title="due now">${atLeast}${counts.ready}</span> / <span title="scheduled later">${atLeast}${counts.scheduled}</span> /
        <span title="in flight">${counts.running}</span>
      </td>
      <td class="counts ${counts.dead ? 'bad' : ''}">${counts.dead}</td>
      <td class="actions">
        ${paused ? action(model, 'queue-resume', queue.name, 'Resume') : action(model, 'queue-pause', queue.name, 'Pause')}
        ${action(model, 'queue-purge', queue.name, 'Purge', { confirm: `Delete every task in ${id}?`, kind: 'danger' })}
      </td>
    </tr>`;
  })}`;
}

/** The URL's path; a URL stored before CreateTask checked it must not break the page. */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function lastResponse(task: TaskRecord): string {
  const attempt = task.lastAttempt;
  if (!attempt) return '—';
  if (attempt.responseTimeMs === undefined) return 'in flight';
  return attempt.httpStatus !== undefined ? `HTTP ${attempt.httpStatus}` : (task.retryReason ?? 'no answer');
}

/** The last answer was a redirect: the handler never ran, so say why in full (contract/redirect-hint.ts). */
function redirectNote(task: TaskRecord): SafeHtml | undefined {
  const status = task.lastAttempt?.httpStatus;
  if (status === undefined || status < 300 || status > 399) return undefined;
  return html`<div class="redirect-hint" role="note">${task.lastError ?? redirectHint(status)}</div>`;
}

function taskRows(model: DashboardModel): SafeHtml {
  if (model.tasks.length === 0)
    return html`<tr>
      <td colspan="8" class="empty">No tasks waiting${model.filterQueue ? ` in ${model.filterQueue}` : ''}.</td>
    </tr>`;
  return html`${model.tasks.map((task) => {
    const body = decodeTaskBody(task.body, model.peekObject);
    const running = task.state === 'running';
    return html`<tr data-task="${shortId(task.name)}">
      <td class="mono" title="${task.name}">
        ${truncate(shortId(task.name), 40)}
        <div class="muted">${shortId(task.queue)} · ${task.httpMethod} ${truncate(pathOf(task.url), 60)}</div>
      </td>
      <td class="mono fn">${body.fn ?? '—'}</td>
      <td class="mono args">${body.args}${body.payload ? html`<div class="muted payload">payload ${body.payload}</div>` : ''}</td>
      <td title="${new Date(task.scheduleTimeMs).toISOString()}">
        ${running ? html`<span class="badge running">running</span>` : task.scheduleTimeMs <= model.nowMs ? `due ${formatRelative(task.scheduleTimeMs, model.nowMs)}` : formatRelative(task.scheduleTimeMs, model.nowMs)}
      </td>
      <td class="counts">
        ${task.dispatchCount}
        ${
          task.retryConfig
            ? html`<div class="muted task-retry" title="The task's own retry settings; the others are its queue's">
                own retry: ${formatTaskRetry(task.retryConfig)}
              </div>`
            : ''
        }
      </td>
      <td>${lastResponse(task)}</td>
      <td class="mono error">${redirectNote(task) ?? truncate(task.lastError ?? keptDeadReason(task.headers) ?? '', 160)}</td>
      <td class="actions">
        ${running ? '' : action(model, 'task-run', task.name, 'Run now')}
        ${action(model, 'task-delete', task.name, 'Delete', { kind: 'danger' })}
      </td>
    </tr>`;
  })}`;
}

function deadRows(model: DashboardModel): SafeHtml {
  if (model.dead.length === 0)
    return html`<tr>
      <td colspan="6" class="empty">Nothing dead-lettered.</td>
    </tr>`;
  return html`${model.dead.map((task) => {
    const body = decodeTaskBody(task.body, model.peekObject);
    return html`<tr data-dead="${shortId(task.name)}">
      <td class="mono" title="${task.name}">
        ${truncate(shortId(task.name), 40)}
        <div class="muted">${shortId(task.queue)}</div>
      </td>
      <td class="mono fn">${body.fn ?? '—'}</td>
      <td class="mono args">${body.args}${body.payload ? html`<div class="muted payload">payload ${body.payload}</div>` : ''}</td>
      <td class="counts">${task.dispatchCount}</td>
      <td class="error">
        ${truncate(task.deadReason ?? '', 300)}
        ${redirectNote(task) ?? (task.lastError && !(task.deadReason ?? '').includes(task.lastError) ? html`<div class="mono">${truncate(task.lastError, 300)}</div>` : '')}
        <div class="muted">${task.deadTimeMs ? formatRelative(task.deadTimeMs, model.nowMs) : ''}</div>
      </td>
      <td class="actions">
        ${action(model, 'dead-replay', task.name, 'Replay')} ${action(model, 'dead-delete', task.name, 'Delete', { kind: 'danger' })}
      </td>
    </tr>`;
  })}`;
}

function activityRows(model: DashboardModel): SafeHtml {
  if (model.activity.length === 0) return html`<li class="empty">No task has run since the emulator started.</li>`;
  return html`${model.activity.slice(0, 15).map((entry) => {
    // Decoded only for the entries shown; an offloaded payload's function is in its reference, no object read.
    const fn = decodeTaskBody(entry.body).fn;
    return html`<li class="${entry.kind}">
      <span class="muted">${new Date(entry.atMs).toISOString().slice(11, 19)}</span>
      <span class="badge ${entry.kind}">${entry.kind}</span>
      <span class="mono">${entry.queue}/${truncate(shortId(entry.task), 40)}</span>
      ${fn ? html`<span class="mono fn">${fn}</span>` : ''} attempt ${entry.attempt}: ${truncate(entry.detail, 200)}
    </li>`;
  })}`;
}

/** The part of the page the refresh script replaces. */
export function renderMain(model: DashboardModel): SafeHtml {
  const filter = model.filterQueue;
  return html` <section>
      <h2>Queues <span class="muted">ready / scheduled / running</span></h2>
      <table class="queues">
        <thead>
          <tr>
            <th>Queue</th>
            <th>State</th>
            <th>Rate</th>
            <th>Retries</th>
            <th>Backoff</th>
            <th>Tasks</th>
            <th>Dead</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${queueRows(model)}
        </tbody>
      </table>
    </section>
    <section>
      <h2>Tasks ${filter ? html`in <span class="mono">${filter}</span> <a href="/" class="small">show all</a>` : ''}</h2>
      <table class="tasks">
        <thead>
          <tr>
            <th>Task</th>
            <th>Function</th>
            <th>Arguments</th>
            <th>ETA</th>
            <th>Attempts</th>
            <th>Last response</th>
            <th>Last error</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${taskRows(model)}
        </tbody>
      </table>
    </section>
    <section>
      <h2>Dead-lettered</h2>
      <table class="dead">
        <thead>
          <tr>
            <th>Task</th>
            <th>Function</th>
            <th>Arguments</th>
            <th>Attempts</th>
            <th>Why</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${deadRows(model)}
        </tbody>
      </table>
    </section>
    ${model.cronJobs?.length ? cronSection(model, model.cronJobs) : ''}
    <section>
      <h2>Recent activity</h2>
      <ul class="activity">
        ${activityRows(model)}
      </ul>
    </section>`;
}

const SCRIPT = `
// The notice of an action is shown once: take it out of the URL, so refreshes and reloads drop it.
const shown = new URL(location.href);
if (shown.searchParams.has('notice')) {
  shown.searchParams.delete('notice');
  shown.searchParams.delete('error');
  history.replaceState(null, '', shown.pathname + shown.search);
}
document.addEventListener('submit', (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !confirm(message)) event.preventDefault();
});
setInterval(async () => {
  if (document.hidden || String(window.getSelection() || '') !== '') return;
  try {
    const response = await fetch(location.href, { headers: { 'x-dashboard-fragment': '1' } });
    if (response.ok) document.querySelector('main').innerHTML = await response.text();
  } catch {}
}, ${REFRESH_MS});`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The page's Content-Security-Policy: its one stylesheet and one script (by hash, so an injected
 * one would not run even if escaping ever failed), requests only to itself, and no framing.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(SCRIPT)}`,
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function renderPage(model: DashboardModel): string {
  // The style and script must stay byte for byte what the CSP hashes: Prettier must not indent them.
  // prettier-ignore
  return `<!doctype html>${html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>Cloud Tasks emulator</title>
      <noscript><meta http-equiv="refresh" content="${REFRESH_MS / 1000}" /></noscript>
      <style>${new SafeHtml(STYLE)}</style>
    </head>
    <body>
      <header>
        <h1>Cloud Tasks emulator</h1>
        <span class="muted"
          >projects/${model.project}/locations/${model.location}${model.hostPort ? html` · app env <code>CLOUD_TASKS_EMULATOR_HOST=${model.hostPort}</code>` : ''}
          · refreshes every ${REFRESH_MS / 1000} s</span
        >
      </header>
      ${model.notice ? html`<p class="notice ${model.notice.error ? 'bad' : ''}" role="status">${model.notice.text}</p>` : ''}
      <main>${renderMain(model)}</main>
      <script>${new SafeHtml(SCRIPT)}</script>
    </body>
  </html>`}`;
}
