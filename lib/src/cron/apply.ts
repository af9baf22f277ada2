import { updateMaskFor, type JobFieldChange, type JobPlan, type LiveJob } from './plan.js';
import type { SchedulerJobSettings } from './types.js';

/**
 * The job calls the deployer needs, whatever speaks to Cloud Scheduler (the real client in REST
 * mode, or a fake in tests). Names are short job ids.
 */
export interface SchedulerAdmin {
  listJobs(): Promise<LiveJob[]>;
  createJob(job: SchedulerJobSettings): Promise<void>;
  /** Sends `fields` (top-level updateMask paths: schedule, retryConfig, httpTarget, ...) and leaves the rest alone. */
  updateJob(job: SchedulerJobSettings, fields: string[]): Promise<void>;
  pauseJob(name: string): Promise<void>;
  resumeJob(name: string): Promise<void>;
}

export interface AppliedJobAction {
  name: string;
  action: 'created' | 'updated' | 'paused' | 'resumed';
  changes?: JobFieldChange[];
}

export interface CronApplyResult {
  actions: AppliedJobAction[];
}

/**
 * Carries out a plan: creates jobs, updates the changed fields, resumes paused jobs the file
 * lists, pauses missing ones when the plan says so. Never deletes. Stops at the first API error
 * (which names the job); re-running is safe, a fresh plan only holds what still differs.
 */
export async function applyCronPlan(plan: JobPlan, admin: SchedulerAdmin): Promise<CronApplyResult> {
  const actions: AppliedJobAction[] = [];
  for (const item of plan.items) {
    if (item.action === 'create') {
      await admin.createJob(item.desired);
      actions.push({ name: item.name, action: 'created' });
    } else if (item.action === 'update') {
      const mask = updateMaskFor(item.changes);
      if (mask.length > 0) {
        await admin.updateJob(item.desired, mask);
        actions.push({ name: item.name, action: 'updated', changes: item.changes.filter((c) => c.field !== 'state') });
      }
      if (item.changes.some((c) => c.field === 'state')) {
        await admin.resumeJob(item.name);
        actions.push({ name: item.name, action: 'resumed' });
      }
    } else if (item.action === 'missing' && item.pause) {
      await admin.pauseJob(item.name);
      actions.push({ name: item.name, action: 'paused' });
    }
  }
  return { actions };
}
