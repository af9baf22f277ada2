import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { loadQueueYaml, toCloudTasksQueue } from 'next-cloud-tasks/queues';

const FIXTURE = path.join(__dirname, '../fixtures/queues/tba-queue.yaml');

// The table in shared/fixtures/README.md, App Engine's own conversion of The Blue Alliance's queue.yaml:
// queue, max dispatches/s, max concurrent, max attempts, max retry duration (s), min backoff, max backoff.
const EXPECTED: [string, number, number, number, number, number, number][] = [
  ['default', 10, 1000, 1, 0, 0.1, 3600],
  ['cache-clearing', 5, 1000, -1, 0, 0.1, 3600],
  ['api-track-call', 500, 1000, 1, 0, 0.1, 3600],
  ['datafeed', 5, 1000, -1, 3600, 0.1, 3600],
  ['stats', 10, 1000, 1, 0, 0.1, 3600],
  ['firebase', 50, 1000, -1, 0, 0.1, 3600],
  ['post-update-hooks', 5, 1000, -1, 0, 0.1, 3600],
  ['push-notifications', 10, 1000, 1, 180, 10, 30],
  ['search-index-update', 10, 1000, -1, 0, 0.1, 3600],
  ['admin', 5, 1000, -1, 0, 0.1, 3600],
  ['run-in-order', 5, 1, -1, 0, 0.1, 3600],
  ['backend-tasks', 5, 1, 1, 0, 0.1, 3600],
  ['backups', 0.1, 1, -1, 0, 0.1, 3600],
];

describe('The Blue Alliance queue.yaml', () => {
  const file = loadQueueYaml(FIXTURE);

  test('validates with no warnings and keeps the 13 queues in file order', () => {
    expect(file.warnings).toEqual([]);
    expect(file.queues.map((q) => q.name)).toEqual(EXPECTED.map((row) => row[0]));
  });

  test.each(EXPECTED)(
    '%s maps to App Engine’s Cloud Tasks settings',
    (name, rate, concurrent, attempts, duration, minBackoff, maxBackoff) => {
      const def = file.queues.find((q) => q.name === name)!;
      expect(toCloudTasksQueue(def)).toEqual({
        name,
        state: 'RUNNING',
        rateLimits: { maxDispatchesPerSecond: expect.closeTo(rate, 9), maxConcurrentDispatches: concurrent, maxBurstSize: 5 },
        retryConfig: {
          maxAttempts: attempts,
          maxRetryDurationSeconds: duration,
          minBackoffSeconds: minBackoff,
          maxBackoffSeconds: maxBackoff,
          maxDoublings: 16,
        },
      });
    },
  );

  test('keeps the position and the text of each rate', () => {
    const backups = file.queues.find((q) => q.name === 'backups')!;
    expect(backups.rate).toEqual({ perSecond: expect.closeTo(0.1, 9), text: '6/m' });
    expect(backups.position).toEqual({ file: FIXTURE, line: 55, column: 3 });
  });
});
