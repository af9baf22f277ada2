import type { FieldChange, LiveQueue, QueueField, QueuePlan } from './plan.js';
import type { CloudTasksQueueSettings } from './types.js';

/**
 * The queue calls the deployer needs, whatever speaks to Cloud Tasks (the real client in REST
 * mode, the emulator, or a fake in tests). Names are short queue ids.
 */
export interface QueueAdmin {
  listQueues(): Promise<LiveQueue[]>;
  createQueue(settings: CloudTasksQueueSettings): Promise<void>;
  /** Sends only `fields` (the updateMask): everything else on the queue is left as it is. */
  updateQueue(settings: CloudTasksQueueSettings, fields: Exclude<QueueField, 'state'>[]): Promise<void>;
  pauseQueue(name: string): Promise<void>;
  resumeQueue(name: string): Promise<void>;
}

export interface AppliedAction {
  name: string;
  action: 'created' | 'updated' | 'paused' | 'resumed';
  /** For `updated`: what changed. */
  changes?: FieldChange[];
}

export interface ApplyResult {
  actions: AppliedAction[];
}

/**
 * Carries out a plan: creates, updates (changed fields only), pauses/resumes to match `rate: 0`,
 * pauses missing queues when the plan says so. Never deletes. Stops at the first API error (the
 * error says which queue); what was done before it stays done, and re-running is safe because
 * a fresh plan only holds what is still different.
 */
export async function applyPlan(plan: QueuePlan, admin: QueueAdmin): Promise<ApplyResult> {
  const actions: AppliedAction[] = [];
  for (const item of plan.items) {
    if (item.action === 'create') {
      await admin.createQueue(item.desired);
      actions.push({ name: item.name, action: 'created' });
      // A queue is created running; `rate: 0` asks for it paused.
      if (item.desired.state === 'PAUSED') {
        await admin.pauseQueue(item.name);
        actions.push({ name: item.name, action: 'paused' });
      }
    } else if (item.action === 'update') {
      const fieldChanges = item.changes.filter((c) => c.field !== 'state');
      if (fieldChanges.length > 0) {
        await admin.updateQueue(
          item.desired,
          fieldChanges.map((c) => c.field as Exclude<QueueField, 'state'>),
        );
        actions.push({ name: item.name, action: 'updated', changes: fieldChanges });
      }
      if (item.changes.some((c) => c.field === 'state')) {
        await setState(admin, item.name, item.desired.state);
        actions.push({ name: item.name, action: item.desired.state === 'PAUSED' ? 'paused' : 'resumed' });
      }
    } else if (item.action === 'missing' && item.pause) {
      await admin.pauseQueue(item.name);
      actions.push({ name: item.name, action: 'paused' });
    }
  }
  return { actions };
}

async function setState(admin: QueueAdmin, name: string, desired: CloudTasksQueueSettings['state']): Promise<void> {
  if (desired === 'PAUSED') await admin.pauseQueue(name);
  else await admin.resumeQueue(name); // resumes a PAUSED or a DISABLED queue alike
}
