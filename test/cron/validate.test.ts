import { describe, expect, test } from '@jest/globals';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { CronYamlError, loadCronYaml, parseCronYaml, type CronYamlProblem } from 'next-cloud-tasks/cron';

const invalid = (name: string) => path.join(__dirname, '../fixtures/cron/invalid', name);

function errorsOf(file: string): CronYamlProblem[] {
  try {
    loadCronYaml(file);
  } catch (err) {
    expect(err).toBeInstanceOf(CronYamlError);
    return (err as CronYamlError).problems.filter((p) => p.severity === 'error');
  }
  throw new Error(`${file} was accepted`);
}

// One file per rule: [file, line, column, key, a fragment of the message]. The first error of the file.
const RULES: [string, number, number, string | undefined, string][] = [
  ['yaml-syntax.yaml', 4, 1, undefined, 'YAML syntax:'],
  ['not-a-mapping.yaml', 1, 1, undefined, 'cron.yaml must be a mapping with a "cron:" list'],
  ['unknown-top-level-key.yaml', 1, 1, 'crons', 'Unknown top-level key "crons"; allowed keys: cron, application'],
  ['cron-not-a-list.yaml', 2, 3, 'cron', '"cron" must be a list of jobs'],
  ['entry-not-a-mapping.yaml', 2, 3, undefined, 'each entry under "cron:" must be a mapping'],
  [
    'unknown-key.yaml',
    4,
    3,
    'shedule',
    'Unknown key "shedule" in a cron entry; allowed keys: description, url, schedule, timezone, target, retry_parameters, function, args',
  ],
  ['missing-url.yaml', 2, 3, 'url', 'Missing required value "url"'],
  ['url-and-function.yaml', 4, 13, 'function', 'either url (a route of your app) or function (a deferrable function), not both'],
  ['bad-url.yaml', 3, 8, 'url', 'Value "tasks/summary" for url does not match expression "^/.*$"'],
  ['missing-schedule.yaml', 2, 3, 'schedule', 'Missing required value "schedule" for cron job "daily summary"'],
  [
    'schedule-syntax.yaml',
    4,
    13,
    'schedule',
    'schedule "every day at 9am" failed to parse: expected a time of day like 09:00 (24-hour clock), got "at"',
  ],
  ['synchronized-uneven.yaml', 4, 13, 'schedule', 'can only use synchronized for periods that divide evenly into 24 hours'],
  ['bad-unix-cron.yaml', 4, 13, 'schedule', 'unix-cron "0 25 * * *": the hour field "25": "25" is not from 0 to 23'],
  ['quartz-cron.yaml', 4, 13, 'schedule', 'uses a Quartz extension (?, L, W, #) that unix-cron does not have'],
  ['unknown-timezone.yaml', 5, 13, 'timezone', 'timezone "Europe/Atlantis" is unknown'],
  ['description-too-long.yaml', 2, 16, 'description', 'description is 500 characters long; App Engine allows at most 499'],
  ['duplicate-description.yaml', 5, 16, 'description', 'Duplicate cron job "daily-summary": the job at'],
  ['bad-target.yaml', 5, 11, 'target', 'Value "Backend_Tasks" for target does not match expression "[service:]version"'],
  ['retry-not-a-mapping.yaml', 5, 21, 'retry_parameters', 'retry_parameters of cron job "backup" must be a mapping'],
  [
    'unknown-retry-key.yaml',
    6,
    5,
    'retry_parameters.task_retry_limit',
    'Unknown key "task_retry_limit" in retry_parameters of cron job "backup"; allowed keys: job_retry_limit',
  ],
  [
    'retry-limit-too-high.yaml',
    6,
    22,
    'retry_parameters.job_retry_limit',
    'job_retry_limit must be from 0 to 5 (Cloud Scheduler retries a run at most 5 times), got 6',
  ],
  ['retry-limit-negative.yaml', 6, 22, 'retry_parameters.job_retry_limit', 'got -1'],
  ['age-limit-format.yaml', 6, 20, 'retry_parameters.job_age_limit', 'job_age_limit must be in s, m, h or d: got "2w"'],
  ['age-limit-zero.yaml', 6, 20, 'retry_parameters.job_age_limit', 'job_age_limit must be greater than zero'],
  ['negative-min-backoff.yaml', 6, 26, 'retry_parameters.min_backoff_seconds', 'min_backoff_seconds must not be less than zero, got -5'],
  ['min-above-max-backoff.yaml', 6, 26, 'retry_parameters.min_backoff_seconds', 'must not be greater than max_backoff_seconds (60 > 30)'],
  ['negative-max-doublings.yaml', 6, 20, 'retry_parameters.max_doublings', 'max_doublings must not be less than zero, got -1'],
  ['bad-function-id.yaml', 3, 13, 'function', 'function "9reports" is not a deferrable id'],
  ['args-not-a-list.yaml', 4, 9, 'args', 'args of "reports.daily" must be a list'],
  ['args-not-json.yaml', 4, 23, 'args', 'argument 2 of "reports.daily" is not plain JSON data'],
  ['args-proto-key.yaml', 5, 3, 'args', 'Detected property __proto__'],
  ['args-with-url.yaml', 4, 9, 'args', 'args only goes with function'],
  ['attempt-deadline.yaml', 5, 21, 'attempt_deadline', 'attempt_deadline must be from 15s to 30m'],
];

describe('each rule reports its message at the right line and column', () => {
  test.each(RULES)('%s -> %i:%i', (name, line, column, key, message) => {
    const file = invalid(name);
    const [first] = errorsOf(file);
    expect(first).toMatchObject({ file, line, column, severity: 'error' });
    expect(first.key).toBe(key);
    expect(first.message).toContain(message);
  });

  test('a file with several problems reports them all at once, as file:line:col lines', () => {
    const text =
      'cron:\n- url: tasks\n  schedule: every 7 hours synchronized\n  timezone: Nowhere/Else\n- description: ok\n  function: 9bad\n  schedule: 0 9 * * *\n';
    expect(() => parseCronYaml(text, 'many.yaml')).toThrow(
      /^many\.yaml: 4 problems\nmany\.yaml:2:8: Value "tasks".*\nmany\.yaml:3:13: schedule "every 7 hours synchronized" failed to parse.*\nmany\.yaml:4:13: timezone "Nowhere\/Else".*\nmany\.yaml:6:13: function "9bad"/,
    );
  });

  test('every fixture under invalid/ is covered by a rule', () => {
    expect(readdirSync(path.join(__dirname, '../fixtures/cron/invalid')).sort()).toEqual(RULES.map((r) => r[0]).sort());
  });
});

describe('what is accepted', () => {
  test('an empty file and an empty cron list are no jobs, as in App Engine', () => {
    expect(parseCronYaml('').jobs).toEqual([]);
    expect(parseCronYaml('cron:\n').jobs).toEqual([]);
  });

  test('a job without a description gets a stable name from its target and schedule, with a warning', () => {
    const file = parseCronYaml('cron:\n- url: /tasks/summary\n  schedule: every 24 hours\n');
    expect(file.jobs[0].id).toMatch(/^tasks-summary-[0-9a-f]{8}$/);
    expect(parseCronYaml('cron:\n- url: /tasks/summary\n  schedule: every 24 hours\n').jobs[0].id).toBe(file.jobs[0].id);
    expect(file.warnings[0]).toMatchObject({ line: 2, column: 3, severity: 'warning' });
    expect(file.warnings[0].message).toContain('changing either renames the job in Cloud Scheduler');
  });

  test('application is ignored with a warning, at its line', () => {
    const file = parseCronYaml('application: my-app\ncron:\n- description: a\n  url: /a\n  schedule: every 1 hours\n');
    expect(file.warnings).toEqual([expect.objectContaining({ line: 1, column: 1, key: 'application', severity: 'warning' })]);
  });

  test('App Engine schedules no unix-cron line says are kept: the smallest line that covers each, and its filter in the job’s zone', () => {
    const file = loadCronYaml(path.join(__dirname, '../fixtures/cron/app-engine-cron.yaml'));
    expect(file.jobs.map((j) => [j.id, j.cron, j.filter])).toEqual([
      ['first-monday-report', '0 17 * 9-11 1', { timeZone: 'Europe/Paris', weeksOfMonth: [1] }],
      ['march-check', '0 17 * 3 1,3,4', { timeZone: 'America/New_York', weeksOfMonth: [2, 3] }],
      ['office-hours-poll', '*/5 10-14 * * *', { timeZone: 'UTC', times: { start: 600, span: 240, every: 5 } }],
      ['seven-minute-sweep', '* * * * *', { timeZone: 'UTC', everyMinutes: 7 }],
    ]);
    expect(file.warnings).toEqual([]);
  });

  test('a function job keeps its JSON arguments', () => {
    const file = parseCronYaml(
      'cron:\n- description: daily summary\n  function: reports.daily\n  args: [eu, 10, {dryRun: false, tags: [a, b]}, null]\n  schedule: every day 09:00\n',
    );
    expect(file.jobs[0].target).toEqual({
      kind: 'function',
      functionId: 'reports.daily',
      args: ['eu', 10, { dryRun: false, tags: ['a', 'b'] }, null],
    });
  });
});
