/**
 * Real-world cron.yaml files map to exactly the Cloud Scheduler jobs App Engine's rules give:
 * The Blue Alliance's (20 jobs, targets, retry parameters) and an app with function jobs.
 */
import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { CronUsageError, loadCronYaml, toSchedulerJobs, type SchedulerJobSettings } from 'next-cloud-tasks/cron';
import { decodeEnvelope } from '@/lib/src/contract/envelope';

const fixture = (name: string) => path.join(__dirname, '../fixtures/cron', name);
const APP = 'https://tba-abc123-uc.a.run.app';
const SA = 'cron@tba.iam.gserviceaccount.com';
const TARGETS = {
  'backend-tasks': 'https://backend-tasks-abc123-uc.a.run.app',
  'backend-tasks-b2': 'https://backend-tasks-b2-abc123-uc.a.run.app',
};
const DEFAULT_RETRY = { retryCount: 0, maxRetryDurationSeconds: 0, minBackoffSeconds: 5, maxBackoffSeconds: 3600, maxDoublings: 5 };
const LA = 'America/Los_Angeles';

// id, unix-cron, time zone, base (app or target), path, retry config (over the defaults)
const TBA: [string, string, string, string, string, Partial<typeof DEFAULT_RETRY>][] = [
  [
    'first-event-list-scraping-also-includes-event-details-event-teams-team-details-scraping',
    '0 2 * * *',
    LA,
    TARGETS['backend-tasks'],
    '/backend-tasks/enqueue/event_list/current',
    { retryCount: 2, maxRetryDurationSeconds: 3600, minBackoffSeconds: 60 },
  ],
  ['first-match-scraping-for-current-events', '* * * * *', 'UTC', APP, '/tasks/enqueue/fmsapi_matches/now', {}],
  ['first-event-ranking-scraping-for-current-events', '* * * * *', 'UTC', APP, '/tasks/enqueue/fmsapi_event_rankings/now', {}],
  ['first-event-alliance-scraping-for-current-events', '0,30 * * * *', 'UTC', APP, '/tasks/enqueue/fmsapi_event_alliances/now', {}],
  [
    'first-event-alliance-scraping-for-current-events-on-their-last-day',
    '*/5 * * * *',
    'UTC',
    APP,
    '/tasks/enqueue/fmsapi_event_alliances/last_day_only',
    {},
  ],
  ['first-award-scraping-for-current-events', '0 * * * *', 'UTC', APP, '/tasks/enqueue/fmsapi_awards/now', {}],
  ['hall-of-fame-team-list-scraping', '0 1 * * 4', LA, APP, '/tasks/get/hof_teams', {}],
  ['typeahead-calculation', '0 1 * * *', LA, TARGETS['backend-tasks-b2'], '/backend-tasks-b2/math/enqueue/typeaheadcalc', {}],
  ['match-insights-calculation', '0 1 * * *', LA, TARGETS['backend-tasks-b2'], '/backend-tasks-b2/math/enqueue/insights/matches/2020', {}],
  ['award-insights-calculation', '0 1 * * *', LA, TARGETS['backend-tasks-b2'], '/backend-tasks-b2/math/enqueue/insights/awards/2020', {}],
  [
    'prediction-insights-calculation',
    '0 1 * * *',
    LA,
    TARGETS['backend-tasks-b2'],
    '/backend-tasks-b2/math/enqueue/insights/predictions/2020',
    {},
  ],
  [
    'match-overall-insights-calculation',
    '1 1 * * *',
    LA,
    TARGETS['backend-tasks-b2'],
    '/backend-tasks-b2/math/enqueue/overallinsights/matches',
    {},
  ],
  [
    'award-overall-insights-calculation',
    '1 1 * * *',
    LA,
    TARGETS['backend-tasks-b2'],
    '/backend-tasks-b2/math/enqueue/overallinsights/awards',
    {},
  ],
  ['district-rankings-calculation', '0 1 * * 2', LA, APP, '/tasks/math/enqueue/district_rankings_calc/2020', {}],
  ['upcoming-match-notification-sending', '*/2 * * * *', 'UTC', APP, '/tasks/notifications/upcoming_match', { retryCount: 1 }],
  ['update-live-events-and-bluezone', '*/5 * * * *', 'UTC', APP, '/tasks/do/update_live_events', {}],
  ['predict-match-times', '* * * * *', 'UTC', APP, '/tasks/math/enqueue/predict_match_times', {}],
  ['suggestion-queue-nag', '0 12 * * *', LA, APP, '/tasks/do/nag_suggestions', {}],
  [
    'backup-cron-job',
    '0 3 * * 1',
    LA,
    TARGETS['backend-tasks'],
    '/backend-tasks/backup/enqueue',
    { retryCount: 3, minBackoffSeconds: 30, maxBackoffSeconds: 600, maxDoublings: 2 },
  ],
  ['update-team-search-indexes', '0 4 * * 1', 'UTC', APP, '/tasks/enqueue/update_all_team_search_index', {}],
];

describe('The Blue Alliance cron.yaml', () => {
  const file = loadCronYaml(fixture('tba-cron.yaml'));
  const jobs = toSchedulerJobs(file, { serviceUrl: APP, serviceAccountEmail: SA, targetUrls: TARGETS });

  test('validates with no warnings; 20 jobs in file order', () => {
    expect(file.warnings).toEqual([]);
    expect(jobs.map((j) => j.name)).toEqual(TBA.map((row) => row[0]));
  });

  test.each(TBA)('%s', (name, schedule, timeZone, base, urlPath, retry) => {
    const def = file.jobs.find((j) => j.id === name)!;
    expect(jobs.find((j) => j.name === name)).toEqual({
      name,
      description: def.description,
      schedule,
      timeZone,
      attemptDeadlineSeconds: 180,
      retryConfig: { ...DEFAULT_RETRY, ...retry },
      // App Engine cron calls with GET; a target's job carries a token for that service's own URL.
      httpTarget: { uri: base + urlPath, httpMethod: 'GET', headers: {}, oidcToken: { serviceAccountEmail: SA, audience: base } },
    } satisfies SchedulerJobSettings);
  });

  test('a target without a URL is a usage error naming the job, its line and the flag', () => {
    expect(() =>
      toSchedulerJobs(file, { serviceUrl: APP, serviceAccountEmail: SA, targetUrls: { 'backend-tasks': TARGETS['backend-tasks'] } }),
    ).toThrow(CronUsageError);
    expect(() => toSchedulerJobs(file, { serviceUrl: APP, serviceAccountEmail: SA })).toThrow(
      new RegExp(`tba-cron\\.yaml:6:3: job "first-event-list-scraping[^"]*" has target "backend-tasks": pass --target-url backend-tasks=`),
    );
  });
});

describe('function jobs', () => {
  const file = loadCronYaml(fixture('functions-cron.yaml'));
  const jobs = toSchedulerJobs(file, {
    serviceUrl: 'https://app-xyz-ew.a.run.app/',
    serviceAccountEmail: SA,
    audience: 'https://app.example.com',
  });
  const [daily, purge, digest] = jobs;

  test('post the task envelope to the deferred route, with the app’s audience', () => {
    expect({ ...daily, httpTarget: { ...daily.httpTarget, body: undefined } }).toEqual({
      name: 'daily-summary',
      description: 'daily summary',
      schedule: '0 9 * * *',
      timeZone: 'Europe/Paris',
      attemptDeadlineSeconds: 600,
      retryConfig: { retryCount: 3, maxRetryDurationSeconds: 0, minBackoffSeconds: 10, maxBackoffSeconds: 300, maxDoublings: 3 },
      httpTarget: {
        uri: 'https://app-xyz-ew.a.run.app/_ah/queue/deferred/reports.dailySummary',
        httpMethod: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: undefined,
        oidcToken: { serviceAccountEmail: SA, audience: 'https://app.example.com' },
      },
    });
    expect(decodeEnvelope(Buffer.from(daily.httpTarget.body!, 'base64'))).toEqual({
      v: 1,
      fn: 'reports.dailySummary',
      args: ['eu', { dryRun: false }],
      enqueuedAt: 0,
    });
  });

  test('the body is the same bytes every time, so a plan never sees drift in it', () => {
    const again = toSchedulerJobs(loadCronYaml(fixture('functions-cron.yaml')), {
      serviceUrl: 'https://app-xyz-ew.a.run.app',
      serviceAccountEmail: SA,
    });
    expect(again[0].httpTarget.body).toBe(daily.httpTarget.body);
  });

  test('a function without args runs with none; a url job next to them stays GET', () => {
    expect(decodeEnvelope(Buffer.from(purge.httpTarget.body!, 'base64')).args).toEqual([]);
    expect(purge.schedule).toBe('0 */6 * * *');
    expect(digest).toMatchObject({
      schedule: '0 8 * * mon',
      timeZone: 'America/New_York',
      retryConfig: { retryCount: 0, maxRetryDurationSeconds: 1800 },
    });
    expect(digest.httpTarget).toEqual({
      uri: 'https://app-xyz-ew.a.run.app/api/cron/weekly-digest',
      httpMethod: 'GET',
      headers: {},
      oidcToken: { serviceAccountEmail: SA, audience: 'https://app.example.com' },
    });
  });
});
