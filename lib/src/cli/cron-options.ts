import { ENV, envText } from '../contract/env.js';
import { CronUsageError } from '../cron/errors.js';
import type { CronTargetOptions } from '../cron/map.js';
import { requireProjectAndLocation } from './command-line.js';
import { parseDeployCommandLine, type DeployCliOptions } from './deploy-command.js';

/**
 * Every option of `next-cloud-tasks cron`: the deploy commands' (project from GOOGLE_CLOUD_PROJECT,
 * location from CLOUD_SCHEDULER_LOCATION, else CLOUD_TASKS_LOCATION), and where the jobs call.
 */
export interface CronCliOptions extends DeployCliOptions {
  /** `--service-url`, else DEFERRED_SERVICE_URL: the app's base URL the jobs call. Required by plan/apply/check. */
  serviceUrl?: string;
  /** `--service-account`, else CRON_SERVICE_ACCOUNT, else DEFERRED_SERVICE_ACCOUNT: whose OIDC token each run carries. */
  serviceAccount?: string;
  /** `--audience`, else DEFERRED_AUDIENCE. @default the service URL */
  audience?: string;
  /** `--target-url NAME=URL` (repeatable), else CRON_TARGET_URLS (`a=https://...,b=https://...`). */
  targetUrls: Record<string, string>;
}

export const CRON_USAGE = `Usage: next-cloud-tasks cron <validate|plan|apply|check> [options]

Deploys App Engine's cron.yaml to Cloud Scheduler: each job an HTTP job with an OIDC token,
calling a route of the app (url:) or a deferrable function through the task handler (function:).
App Engine schedules ("every day 09:00") are translated to unix-cron. A schedule no unix-cron
line can say ("1st monday of sep,oct,nov 17:00") gets the smallest line that covers it and a
filter, sent with each run, with which the app skips the line's other runs.

Commands:
  validate   check cron.yaml alone (App Engine's rules, the translations), no network
  plan       compare cron.yaml with the live jobs; print create / update / unchanged /
             not-in-file; change nothing
  apply      create and update jobs (changed fields only), resume paused ones the file lists;
             never deletes; a second apply reports no changes
  check      like plan, but exit 1 when the live jobs differ from cron.yaml (for CI)

Options:
  --file PATH            cron.yaml to read (default: cron.yaml)
  --project ID           Google Cloud project (default: $GOOGLE_CLOUD_PROJECT)
  --location L           Cloud Scheduler region, e.g. us-central1
                         (default: $CLOUD_SCHEDULER_LOCATION, else $CLOUD_TASKS_LOCATION)
  --service-url URL      the app's base URL the jobs call (default: $DEFERRED_SERVICE_URL)
  --service-account SA   whose OIDC token runs carry; the app must allow it
                         (default: $CRON_SERVICE_ACCOUNT, else $DEFERRED_SERVICE_ACCOUNT)
  --audience URL         the tokens' audience (default: $DEFERRED_AUDIENCE, else the service URL)
  --target-url NAME=URL  the Cloud Run URL of App Engine target NAME (repeatable;
                         default: $CRON_TARGET_URLS, "name=url,name=url")
  --pause-missing        pause live jobs that cron.yaml does not list (default: report them only)
  --json                 print one JSON document instead of text
  --markdown             print the plan as Markdown (for $GITHUB_STEP_SUMMARY)
  -h, --help             show this help

Credentials: Application Default Credentials. apply needs roles/cloudscheduler.admin and
roles/iam.serviceAccountUser on the jobs' service account; plan/check need
roles/cloudscheduler.viewer. The service account needs roles/run.invoker on the service.

Exit codes:
  0  success; for check: no drift
  1  cron.yaml is invalid, or check found drift
  2  usage error (unknown command or flag, missing --project/--location/--service-url/...)
  3  Cloud Scheduler API error (permission, quota, network); the message names the cause
`;

function parseTargetUrls(pairs: string[], source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim();
    const url = pair.slice(at + 1).trim();
    if (at <= 0 || !/^https?:\/\/[^\s]+$/.test(url)) {
      throw new CronUsageError(`${source} "${pair}" must be NAME=URL, like backend=https://backend-abc123-uc.a.run.app`);
    }
    out[name] = url;
  }
  return out;
}

const CRON_FLAGS = {
  'service-url': { type: 'string' },
  'service-account': { type: 'string' },
  audience: { type: 'string' },
  'target-url': { type: 'string', multiple: true },
} as const;

/** Parses argv (without node and script) and the environment into options. */
export function parseCronCliOptions(argv: string[], env: Readonly<Record<string, string | undefined>>): CronCliOptions {
  const { options, values, project, location } = parseDeployCommandLine(argv, CRON_FLAGS, CronUsageError, 'cron.yaml');
  const fromEnv = (...keys: (keyof typeof ENV)[]) => keys.map((key) => envText(env, ENV[key])).find(Boolean);
  const targetUrls = values['target-url']
    ? parseTargetUrls(values['target-url'], '--target-url')
    : parseTargetUrls(
        (envText(env, ENV.cronTargetUrls) ?? '').split(',').filter((p) => p.trim()),
        'CRON_TARGET_URLS entry',
      );
  return {
    ...options,
    project: project ?? fromEnv('project'),
    location: location ?? fromEnv('schedulerLocation', 'location'),
    serviceUrl: values['service-url'] ?? fromEnv('serviceUrl'),
    serviceAccount: values['service-account'] ?? fromEnv('cronServiceAccount', 'serviceAccount'),
    audience: values.audience ?? fromEnv('audience'),
    targetUrls,
  };
}

/** What plan/apply/check need, or one usage error naming every missing flag and its variable. */
export function requireCronTarget(options: CronCliOptions): { project: string; location: string; targets: CronTargetOptions } {
  const missing: string[] = [];
  if (!options.serviceUrl)
    missing.push("the app's URL: pass --service-url or set DEFERRED_SERVICE_URL (https://my-app-abc123-uc.a.run.app)");
  else if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(options.serviceUrl))
    missing.push(`a service URL like https://my-app-abc123-uc.a.run.app (--service-url / DEFERRED_SERVICE_URL is "${options.serviceUrl}")`);
  if (!options.serviceAccount)
    missing.push("the jobs' service account: pass --service-account or set CRON_SERVICE_ACCOUNT or DEFERRED_SERVICE_ACCOUNT");
  const where = requireProjectAndLocation(options, `cron ${options.command}`, CronUsageError, {
    locationVariable: 'CLOUD_SCHEDULER_LOCATION',
    otherMissing: missing,
  });
  return { ...where, targets: cronTargets(options) };
}

/** Where the jobs' runs go, and with whose token (serviceUrl and serviceAccount checked by the caller). */
export function cronTargets(options: CronCliOptions): CronTargetOptions {
  return {
    serviceUrl: options.serviceUrl!,
    serviceAccountEmail: options.serviceAccount!,
    audience: options.audience,
    targetUrls: options.targetUrls,
  };
}
