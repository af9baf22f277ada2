/**
 * The dashboard's cron jobs: each job's schedule (as cron.yaml writes it, as unix-cron, and the
 * filter that keeps the schedule's runs of a wider line), what it calls, its next run, its last
 * result, and a "Run now" button (a POST form made by render.ts's `action`, like every other
 * button of the page).
 */
import { describeCronFilter } from '../../contract/cron-filter.js';
import type { CronJobRecord } from '../cron-jobs.js';
import { formatRelative, truncate } from './format.js';
import { html, type SafeHtml } from './html.js';
import { action, type FormContext } from './action-form.js';

function lastResult(job: CronJobRecord, nowMs: number): SafeHtml | string {
  const last = job.last;
  if (!last) return job.pending ? 'running' : '—';
  const what = last.status !== undefined ? `HTTP ${last.status}` : 'no answer';
  return html`<span class="badge ${last.ok ? 'success' : 'dead'}">${last.ok ? 'ok' : 'failed'}</span> ${what}
    <div class="muted" title="${new Date(last.finishedMs).toISOString()}">
      ${formatRelative(last.finishedMs, nowMs)}, ${last.attempts} attempt(s)${last.detail ? ` · ${truncate(last.detail, 120)}` : ''}
    </div>`;
}

function nextRun(job: CronJobRecord, nowMs: number): SafeHtml | string {
  if (job.pending?.retryAtMs !== undefined)
    return html`retry ${formatRelative(job.pending.retryAtMs, nowMs)}
      <div class="muted">attempt ${job.pending.attempts + 1}</div>`;
  if (job.pending) return html`<span class="badge running">running</span>`;
  if (job.nextRunMs === undefined) return 'never';
  return html`<span title="${new Date(job.nextRunMs).toISOString()}">${formatRelative(job.nextRunMs, nowMs)}</span>
    <div class="muted">${new Date(job.nextRunMs).toISOString().replace(':00.000Z', 'Z')}</div>`;
}

export function cronSection(model: FormContext & { nowMs: number }, jobs: CronJobRecord[]): SafeHtml {
  return html`<section>
    <h2>Cron jobs <span class="muted">cron.yaml</span></h2>
    <table class="cron">
      <thead>
        <tr>
          <th>Job</th>
          <th>Schedule</th>
          <th>Calls</th>
          <th>Next run</th>
          <th>Last result</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${jobs.map(
          (job) =>
            html`<tr data-cron="${job.id}">
              <td>
                <strong>${job.id}</strong>
                <div class="muted">${truncate(job.job.description, 80)}</div>
              </td>
              <td>
                ${job.schedule}
                <div class="muted mono">${job.job.schedule} · ${job.job.timeZone}</div>
                ${job.filter ? html`<div class="muted">filter: ${describeCronFilter(job.filter)}</div>` : ''}
              </td>
              <td class="mono">
                ${truncate(job.summary, 120)}
                <div class="muted">${job.job.httpTarget.httpMethod} ${truncate(job.job.httpTarget.uri, 80)}</div>
              </td>
              <td>${nextRun(job, model.nowMs)}</td>
              <td>${lastResult(job, model.nowMs)}</td>
              <td class="actions">${job.pending ? '' : action(model, 'cron-run', job.id, 'Run now')}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
