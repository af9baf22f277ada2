import { describe, expect, test } from '@jest/globals';
import { fromQueueResource, toQueueResource } from '@/lib/src/queues/live-queue';
import { parseQueueYaml, toCloudTasksQueue } from 'next-cloud-tasks/queues';

describe('reading a Queue resource', () => {
  test('as the REST client returns it: enum names, { seconds, nanos } durations with string seconds', () => {
    const live = fromQueueResource({
      name: 'projects/p/locations/l/queues/mail',
      state: 'PAUSED',
      rateLimits: { maxDispatchesPerSecond: 0.5, maxConcurrentDispatches: 10, maxBurstSize: 3 },
      retryConfig: {
        maxAttempts: 5,
        maxRetryDuration: { seconds: '5400', nanos: 0 },
        minBackoff: { seconds: '0', nanos: 100000000 },
        maxBackoff: { seconds: '300' },
        maxDoublings: 3,
      },
    });
    expect(live).toEqual({
      name: 'mail',
      state: 'PAUSED',
      rateLimits: { maxDispatchesPerSecond: 0.5, maxConcurrentDispatches: 10, maxBurstSize: 3 },
      retryConfig: { maxAttempts: 5, maxRetryDurationSeconds: 5400, minBackoffSeconds: 0.1, maxBackoffSeconds: 300, maxDoublings: 3 },
    });
  });

  test('as raw JSON with enum-encoding=int: numeric states and "3600s" durations', () => {
    const live = fromQueueResource({
      name: 'projects/p/locations/l/queues/q',
      state: 3,
      retryConfig: { minBackoff: '0.100s', maxBackoff: '3600s' },
    });
    expect(live.state).toBe('DISABLED');
    expect(live.retryConfig).toMatchObject({ minBackoffSeconds: 0.1, maxBackoffSeconds: 3600, maxRetryDurationSeconds: 0, maxAttempts: 0 });
    expect(fromQueueResource({ name: 'x', state: 1 }).state).toBe('RUNNING');
  });
});

describe('writing a Queue resource', () => {
  const file = parseQueueYaml(
    'queue:\n- name: mail\n  rate: 5/s\n  bucket_size: 20\n  retry_parameters:\n    task_age_limit: 1.5h\n- name: off\n  rate: 0\n',
  );
  const [mail, off] = file.queues.map(toCloudTasksQueue);

  test('never sends the output-only max burst size; durations as seconds + nanos', () => {
    expect(toQueueResource(mail, 'projects/p/locations/l/queues/mail')).toEqual({
      name: 'projects/p/locations/l/queues/mail',
      rateLimits: { maxDispatchesPerSecond: 5, maxConcurrentDispatches: 1000 },
      retryConfig: {
        maxAttempts: -1,
        maxRetryDuration: { seconds: 5400, nanos: 0 },
        minBackoff: { seconds: 0, nanos: 100000000 },
        maxBackoff: { seconds: 3600, nanos: 0 },
        maxDoublings: 16,
      },
    });
  });

  test('a rate-0 queue sends no rate (pausing stops it)', () => {
    expect(toQueueResource(off, 'n').rateLimits).toEqual({ maxConcurrentDispatches: 1000 });
  });

  test('an update sends exactly the fields of its mask', () => {
    expect(toQueueResource(mail, 'n', ['retryConfig.maxRetryDuration'])).toEqual({
      name: 'n',
      retryConfig: { maxRetryDuration: { seconds: 5400, nanos: 0 } },
    });
  });
});
