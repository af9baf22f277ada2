import { describe, expect, test } from '@jest/globals';
import {
  applyQueuePlan,
  parseQueueYaml,
  planQueues,
  toCloudTasksQueue,
  type CloudTasksQueueSettings,
  type LiveQueue,
  type QueueAdmin,
} from 'next-cloud-tasks/queues';

const FILE = parseQueueYaml(
  [
    'queue:',
    '- name: default',
    '  rate: 5/s',
    '- name: mail',
    '  rate: 1/s',
    '  retry_parameters:',
    '    task_retry_limit: 2',
    '- name: frozen',
    '  rate: 0',
    '',
  ].join('\n'),
  'queue.yaml',
);
const desired = (name: string) => toCloudTasksQueue(FILE.queues.find((q) => q.name === name)!);
const live = (s: CloudTasksQueueSettings, over: Partial<LiveQueue> = {}): LiveQueue => ({ ...structuredClone(s), ...over });

/** Records calls, in order, and answers like Cloud Tasks would. */
function recordingAdmin(queues: LiveQueue[] = []): QueueAdmin & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    list: async () => queues,
    create: async (s) => void calls.push(`create ${s.name}`),
    update: async (s, fields) => void calls.push(`update ${s.name} ${fields.join(',')}`),
    pause: async (n) => void calls.push(`pause ${n}`),
    resume: async (n) => void calls.push(`resume ${n}`),
  };
}

describe('planQueues', () => {
  test('an empty project: everything is created, rate 0 created paused', async () => {
    const plan = planQueues(FILE, []);
    expect(plan.items.map((i) => `${i.action} ${i.name}`)).toEqual(['create default', 'create mail', 'create frozen']);
    expect(plan.hasChanges).toBe(true);
    const admin = recordingAdmin();
    const result = await applyQueuePlan(plan, admin);
    expect(admin.calls).toEqual(['create default', 'create mail', 'create frozen', 'pause frozen']);
    expect(result.actions.map((a) => `${a.action} ${a.name}`)).toEqual([
      'created default',
      'created mail',
      'created frozen',
      'paused frozen',
    ]);
  });

  test('live queues equal to the file: nothing to do', async () => {
    const plan = planQueues(FILE, [
      live(desired('default')),
      live(desired('mail')),
      live(desired('frozen'), { rateLimits: { maxDispatchesPerSecond: 7, maxConcurrentDispatches: 1000, maxBurstSize: 100 } }),
    ]);
    expect(plan.counts).toEqual({ create: 0, update: 0, unchanged: 3, missing: 0 });
    expect(plan.hasChanges).toBe(false);
    const admin = recordingAdmin();
    expect((await applyQueuePlan(plan, admin)).actions).toEqual([]);
    expect(admin.calls).toEqual([]);
  });

  test('an update lists each changed field, old -> new, and applies only those', async () => {
    const drifted = live(desired('mail'));
    drifted.rateLimits.maxDispatchesPerSecond = 20;
    drifted.retryConfig.maxAttempts = 100;
    drifted.retryConfig.minBackoffSeconds = 1;
    drifted.rateLimits.maxBurstSize = 40; // output-only: never a change
    const plan = planQueues(FILE, [live(desired('default')), drifted, live(desired('frozen'))]);
    const item = plan.items.find((i) => i.name === 'mail')!;
    expect(item.action).toBe('update');
    expect(item.action === 'update' && item.changes).toEqual([
      { field: 'rateLimits.maxDispatchesPerSecond', from: 20, to: 1 },
      { field: 'retryConfig.maxAttempts', from: 100, to: 3 },
      { field: 'retryConfig.minBackoff', from: '1s', to: '0.1s' },
    ]);
    const admin = recordingAdmin();
    await applyQueuePlan(plan, admin);
    expect(admin.calls).toEqual(['update mail rateLimits.maxDispatchesPerSecond,retryConfig.maxAttempts,retryConfig.minBackoff']);
  });

  test('durations Cloud Tasks truncated to whole seconds are not drift; other sub-second changes are', () => {
    const truncated = live(desired('mail'));
    truncated.retryConfig.minBackoffSeconds = 0; // the file's 0.1 s, as Cloud Tasks documents storing it
    expect(planQueues(FILE, [live(desired('default')), truncated, live(desired('frozen'))]).counts.update).toBe(0);
    const changed = live(desired('mail'));
    changed.retryConfig.minBackoffSeconds = 0.5;
    const item = planQueues(FILE, [live(desired('default')), changed, live(desired('frozen'))]).items.find((i) => i.name === 'mail')!;
    expect(item.action === 'update' && item.changes).toEqual([{ field: 'retryConfig.minBackoff', from: '0.5s', to: '0.1s' }]);
  });

  test('state follows rate 0: pause a running queue, resume a paused or disabled one', async () => {
    const plan = planQueues(FILE, [
      live(desired('default'), { state: 'DISABLED' }),
      live(desired('mail'), { state: 'PAUSED' }),
      live(desired('frozen'), { state: 'RUNNING' }),
    ]);
    expect(plan.items.map((i) => i.action)).toEqual(['update', 'update', 'update']);
    const admin = recordingAdmin();
    await applyQueuePlan(plan, admin);
    expect(admin.calls).toEqual(['resume default', 'resume mail', 'pause frozen']);
  });

  test('live queues missing from the file are reported, never deleted, paused only with pauseMissing', async () => {
    const extra = [live(desired('default'), { name: 'old-running' }), live(desired('default'), { name: 'old-paused', state: 'PAUSED' })];
    const all = [live(desired('default')), live(desired('mail')), live(desired('frozen')), ...extra];
    const reportOnly = planQueues(FILE, all);
    expect(reportOnly.items.filter((i) => i.action === 'missing').map((i) => i.name)).toEqual(['old-paused', 'old-running']);
    expect(reportOnly.hasChanges).toBe(false);
    const admin = recordingAdmin();
    await applyQueuePlan(reportOnly, admin);
    expect(admin.calls).toEqual([]);

    const pausing = planQueues(FILE, all, { pauseMissing: true });
    expect(pausing.hasChanges).toBe(true);
    await applyQueuePlan(pausing, admin);
    expect(admin.calls).toEqual(['pause old-running']);
  });
});
