import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { loadQueueYaml, parseQueueYaml, QueueYamlError, toCloudTasksQueue, type QueueYamlProblem } from 'next-cloud-tasks/queues';

const dir = path.join(__dirname, '../fixtures/queues');
const invalid = (name: string) => path.join(dir, 'invalid', name);

function problemsOf(file: string): QueueYamlProblem[] {
  try {
    loadQueueYaml(file);
  } catch (err) {
    expect(err).toBeInstanceOf(QueueYamlError);
    return (err as QueueYamlError).problems.filter((p) => p.severity === 'error');
  }
  throw new Error(`${file} was accepted`);
}

// One file per rule: [file, line, column, key, a fragment of the message].
const RULES: [string, number, number, string | undefined, string][] = [
  [
    'bad-name.yaml',
    2,
    9,
    'name',
    'Value "send_mail" for name does not match expression "^[A-Za-z0-9-]{1,100}$": only letters, digits and hyphens',
  ],
  ['name-too-long.yaml', 2, 9, 'name', 'it is 101 characters long, the maximum is 100'],
  ['missing-name.yaml', 2, 3, 'name', 'Missing required value "name"'],
  ['missing-rate.yaml', 2, 3, 'rate', 'Missing required value "rate" for push queue "mail"'],
  ['bad-rate.yaml', 3, 9, 'rate', 'Rate "5/x" is invalid'],
  ['rate-too-high.yaml', 3, 9, 'rate', 'Rate "501/s" is invalid: the maximum is 500/s'],
  ['bucket-size.yaml', 4, 16, 'bucket_size', 'bucket_size must be a whole number from 0 to 500, got 501'],
  ['max-concurrent.yaml', 4, 28, 'max_concurrent_requests', 'max_concurrent_requests must be a whole number from 1 to 5000, got 0'],
  ['retry-limit-negative.yaml', 5, 23, 'retry_parameters.task_retry_limit', 'Task retry limit must not be less than zero.'],
  [
    'age-limit-format.yaml',
    5,
    21,
    'retry_parameters.task_age_limit',
    'Task Age_Limit must be in s (seconds), m (minutes), h (hours) or d (days): got "2w"',
  ],
  ['age-limit-zero.yaml', 5, 21, 'retry_parameters.task_age_limit', 'Task age limit must be greater than zero'],
  ['negative-min-backoff.yaml', 5, 26, 'retry_parameters.min_backoff_seconds', 'Min backoff seconds must not be less than zero.'],
  ['negative-max-backoff.yaml', 5, 26, 'retry_parameters.max_backoff_seconds', 'Max backoff seconds must not be less than zero.'],
  [
    'min-above-max-backoff.yaml',
    5,
    26,
    'retry_parameters.min_backoff_seconds',
    'Min backoff sec must not be greater than max backoff sec (60 > 30).',
  ],
  ['negative-max-doublings.yaml', 5, 20, 'retry_parameters.max_doublings', 'Max doublings must not be less than zero.'],
  ['duplicate-name.yaml', 5, 9, 'name', 'Duplicate queue name "mail": already defined at'],
  [
    'unknown-key.yaml',
    4,
    3,
    'max_concurent_requests',
    'Unknown key "max_concurent_requests" in a queue entry; allowed keys: name, mode, rate, bucket_size, max_concurrent_requests, retry_parameters, target, acl',
  ],
  [
    'unknown-retry-key.yaml',
    5,
    5,
    'retry_parameters.task_retry_limt',
    'allowed keys: task_retry_limit, task_age_limit, min_backoff_seconds, max_backoff_seconds, max_doublings',
  ],
  ['unknown-top-level-key.yaml', 1, 1, 'queues', 'Unknown top-level key "queues"; allowed keys: queue, total_storage_limit, application'],
  ['pull-queue.yaml', 3, 9, 'mode', 'queue "pull-in" is a pull queue: Cloud Tasks has no pull queues'],
  ['yaml-syntax.yaml', 4, 1, undefined, 'YAML syntax:'],
  [
    'dead-letter-bad-value.yaml',
    4,
    22,
    'dead_letter_queue',
    'dead_letter_queue must be true (the queue "mail-dead-letter"), false (none) or a queue name',
  ],
  ['dead-letter-self.yaml', 4, 22, 'dead_letter_queue', 'queue "mail" cannot be its own dead-letter queue'],
  ['dead-letter-running.yaml', 4, 22, 'dead_letter_queue', 'is the queue at'],
  ['dead-letter-chain.yaml', 4, 22, 'dead_letter_queue', 'has a dead_letter_queue of its own'],
  ['dead-letter-too-long.yaml', 4, 22, 'dead_letter_queue', '102 characters (the maximum is 100): write its name instead'],
];

describe('each App Engine rule reports its message at the right line and column', () => {
  test.each(RULES)('%s -> %i:%i', (name, line, column, key, message) => {
    const file = invalid(name);
    const problems = problemsOf(file);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file, line, column, severity: 'error' });
    expect(problems[0].key).toBe(key);
    expect(problems[0].message).toContain(message);
  });

  test('the error message lists every problem as file:line:column: message', () => {
    const file = invalid('bad-rate.yaml');
    expect(() => loadQueueYaml(file)).toThrow(`${file}: 1 problem\n${file}:3:9: Rate "5/x" is invalid`);
  });

  test('a duplicate with errors of its own is still a duplicate', () => {
    const problems = problemsOf(invalid('duplicate-with-other-error.yaml'));
    expect(problems.map((p) => `${p.line}:${p.column} ${p.key}`)).toEqual(['4:9 name', '5:9 rate']);
  });

  test('the duplicate names the first definition', () => {
    expect(problemsOf(invalid('duplicate-name.yaml'))[0].message).toContain(`${invalid('duplicate-name.yaml')}:2:3; merge the two entries`);
  });
});

describe('several problems in one file', () => {
  test('are all reported, in file order', () => {
    const file = invalid('many-problems.yaml');
    const problems = problemsOf(file);
    expect(problems.map((p) => `${p.line}:${p.column} ${p.key}`)).toEqual([
      '6:9 name',
      '10:9 rate',
      '12:21 retry_parameters.task_age_limit',
      '13:20 retry_parameters.max_doublings',
      '15:9 name',
    ]);
    let message = '';
    try {
      loadQueueYaml(file);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.split('\n')).toHaveLength(6);
    expect(message).toMatch(/^.*many-problems\.yaml: 5 problems\n/);
  });
});

describe('files that are not there or not queue files', () => {
  test('a missing file is a QueueYamlError naming the path', () => {
    const file = path.join(dir, 'no-such-queue.yaml');
    expect(() => loadQueueYaml(file)).toThrow(QueueYamlError);
    expect(() => loadQueueYaml(file)).toThrow(`cannot read ${file} (file not found)`);
  });

  test('an empty file is refused', () => {
    expect(() => parseQueueYaml('', 'q.yaml')).toThrow('q.yaml:1:1: Empty queue configuration');
  });

  test('an entry that is not a mapping is refused', () => {
    expect(() => parseQueueYaml('queue:\n- default\n', 'q.yaml')).toThrow('q.yaml:2:3: each entry under "queue:" must be a mapping');
  });

  test('the file name defaults to queue.yaml', () => {
    expect(() => parseQueueYaml('queue:\n- name: a\n')).toThrow('queue.yaml:2:3: Missing required value "rate"');
  });
});

describe('settings Cloud Tasks cannot honour', () => {
  const file = loadQueueYaml(path.join(dir, 'warnings.yaml'));

  test('are a warning each, at their position, and the file still loads', () => {
    expect(file.warnings.map((w) => `${w.line}:${w.column} ${w.key}`)).toEqual([
      '2:1 total_storage_limit',
      '6:16 bucket_size',
      '7:11 target',
    ]);
    expect(file.warnings.every((w) => w.severity === 'warning')).toBe(true);
    expect(file.warnings[1].message).toContain('bucket_size cannot be set through the Cloud Tasks API');
    expect(file.queues.map((q) => q.name)).toEqual(['mail', 'paused', 'lone-max', 'lone-min']);
  });

  test('bucket_size and target are kept on the definition', () => {
    expect(file.queues[0]).toMatchObject({ bucketSize: 10, target: 'v2.backend', rate: { text: '2000/d' } });
    expect(toCloudTasksQueue(file.queues[0]).rateLimits).toMatchObject({
      maxBurstSize: 10,
      maxDispatchesPerSecond: expect.closeTo(2000 / 86400, 9),
    });
  });
});

describe('App Engine mapping rules', () => {
  const file = loadQueueYaml(path.join(dir, 'warnings.yaml'));
  const settings = (name: string) => toCloudTasksQueue(file.queues.find((q) => q.name === name)!);

  test('rate 0 is a paused queue', () => {
    expect(settings('paused')).toMatchObject({ state: 'PAUSED', rateLimits: { maxDispatchesPerSecond: 0 } });
    expect(settings('mail').state).toBe('RUNNING');
  });

  test('a lone max backoff under the default min lowers min to it', () => {
    expect(settings('lone-max').retryConfig).toMatchObject({ minBackoffSeconds: 0.05, maxBackoffSeconds: 0.05 });
  });

  test('a lone min backoff over the default max raises max to it', () => {
    expect(settings('lone-min').retryConfig).toMatchObject({
      minBackoffSeconds: 7200,
      maxBackoffSeconds: 7200,
      maxRetryDurationSeconds: 5400,
    });
  });

  test('a lone backoff inside the defaults leaves the other default alone', () => {
    const q = parseQueueYaml('queue:\n- name: a\n  rate: 1/s\n  retry_parameters:\n    max_backoff_seconds: 60\n    task_retry_limit: 4\n')
      .queues[0];
    expect(toCloudTasksQueue(q).retryConfig).toEqual({
      maxAttempts: 5,
      maxRetryDurationSeconds: 0,
      minBackoffSeconds: 0.1,
      maxBackoffSeconds: 60,
      maxDoublings: 16,
    });
  });

  test.each([
    ['2d', 172800],
    ['1.5h', 5400],
    ['30m', 1800],
    ['45s', 45],
  ])('task_age_limit %s is %i seconds', (text, seconds) => {
    const q = parseQueueYaml(`queue:\n- name: a\n  rate: 1/h\n  retry_parameters:\n    task_age_limit: ${text}\n`).queues[0];
    expect(q.retryParameters?.taskAgeLimit).toEqual({ seconds, text });
    expect(toCloudTasksQueue(q).retryConfig.maxRetryDurationSeconds).toBe(seconds);
  });
});

describe('dead-letter queues (dead_letter_queue, our own key)', () => {
  const file = loadQueueYaml(path.join(dir, 'dead-letters.yaml'));
  const byName = (name: string) => file.queues.find((q) => q.name === name);

  test('true names <queue>-dead-letter; a name may be shared; false means none', () => {
    expect(byName('mail')?.deadLetterQueue).toMatchObject({ name: 'mail-dead-letter', position: { line: 5, column: 22 } });
    expect(byName('push')?.deadLetterQueue?.name).toBe('dead-letters');
    expect(byName('sms')?.deadLetterQueue?.name).toBe('dead-letters');
    expect(byName('reports')?.deadLetterQueue).toBeUndefined();
    expect(file.queues.map((q) => q.name)).toEqual(['mail', 'push', 'sms', 'reports', 'dead-letters', 'mail-dead-letter']);
  });

  test('each dead-letter queue is a queue of the file, paused, that knows whose dead tasks it keeps', () => {
    expect(byName('mail-dead-letter')).toMatchObject({
      rate: { perSecond: 0 },
      deadLetterFor: ['mail'],
      position: { line: 5, column: 22 },
    });
    expect(toCloudTasksQueue(byName('mail-dead-letter')!).state).toBe('PAUSED');
    // Written out with rate 0: its own settings are kept.
    expect(byName('dead-letters')).toMatchObject({ deadLetterFor: ['push', 'sms'], retryParameters: { taskRetryLimit: 0 } });
    expect(toCloudTasksQueue(byName('dead-letters')!)).toMatchObject({ state: 'PAUSED', retryConfig: { maxAttempts: 1 } });
  });
});
