import { ENV, envText } from '../contract/env.js';
import { CronUsageError } from '../cron/errors.js';
import type { CronTargetOptions } from '../cron/map.js';
import { COMMANDS } from './queues-options.js';
import { deployCommand, parseFlags, requireProjectAndLocation } from './command-line.js';

export type CronCommand = (typeof COMMANDS)[number];

/** Every option of `next-cloud-tasks cron`, with its flag, environment fallback and default. */
export interface CronCliOptions {
  command: CronCommand;
  /** `--file`. @default 'cron.yaml' */
  file: string;
  /** `--project`, else GOOGLE_CLOUD_PROJECT. Required by plan/apply/check. */
  project?: string;
  /** `--location`, else CLOUD_SCHEDULER_LOCATION, else CLOUD_TASKS_LOCATION. Required by plan/apply/check. */
  location?: string;
  /** `--service-url`, else DEFERRED_SERVICE_URL: the app's base URL the jobs call. Required by plan/apply/check. */
  serviceUrl?: string;
  /** `--service-account`, else CRON_SERVICE_ACCOUNT, else DEFERRED_SERVICE_ACCOUNT: whose OIDC token each run carries. */
  serviceAccount?: string;
  /** `--audience`, else DEFERRED_AUDIENCE. @default the service URL */
  audience?: string;
  /** `--target-url NAME=URL` (repeatable), else CRON_TARGET_URLS (`a=https://...,b=https://...`). */
  targetUrls: Record<string, string>;
  /** `--pause-missing`: pause live jobs absent from the file. @default false (reported only) */
  pauseMissing: boolean;
  json: boolean;
  markdown: boolean;
  help: boolean;
}

const DEFAULTS = { file: 'cron.yaml', pauseMissing: false, json: false, markdown: false, help: false } satisfies Partial<CronCliOptions>;

export const CRON_USAGE = `Usage: next-cloud-tasks cron <validate|plan|apply|check> [options]

Deploys App Engine's cron.yaml to Cloud Scheduler: each job an HTTP job with an OIDC token,
calling a route of the app (url:) or a deferrable function through the task handler (function:).
App Engine schedules ("every day 09:00") are translated to unix-cron where an exact translation
exists; otherwise validate says why, at the line.

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

/** Parses argv (without node and script) and the environment into options. */
export function parseCronCliOptions(argv: string[], env: Readonly<Record<string, string | undefined>>): CronCliOptions {
  const { values, positionals } = parseFlags(
    argv,
    {
      file: { type: 'string' },
      project: { type: 'string' },
      location: { type: 'string' },
      'service-url': { type: 'string' },
      'service-account': { type: 'string' },
      audience: { type: 'string' },
      'target-url': { type: 'string', multiple: true },
      'pause-missing': { type: 'boolean' },
      json: { type: 'boolean' },
      markdown: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    CronUsageError,
  );
  const help = values.help ?? DEFAULTS.help;
  const command = deployCommand(positionals, values, help, COMMANDS, CronUsageError);
  const fromEnv = (...keys: (keyof typeof ENV)[]) => keys.map((key) => envText(env, ENV[key])).find(Boolean);
  const targetUrls = values['target-url']
    ? parseTargetUrls(values['target-url'], '--target-url')
    : parseTargetUrls(
        (envText(env, ENV.cronTargetUrls) ?? '').split(',').filter((p) => p.trim()),
        'CRON_TARGET_URLS entry',
      );
  return {
    command: command ?? 'validate',
    file: values.file ?? DEFAULTS.file,
    project: values.project ?? fromEnv('project'),
    location: values.location ?? fromEnv('schedulerLocation', 'location'),
    serviceUrl: values['service-url'] ?? fromEnv('serviceUrl'),
    serviceAccount: values['service-account'] ?? fromEnv('cronServiceAccount', 'serviceAccount'),
    audience: values.audience ?? fromEnv('audience'),
    targetUrls,
    pauseMissing: values['pause-missing'] ?? DEFAULTS.pauseMissing,
    json: values.json ?? DEFAULTS.json,
    markdown: values.markdown ?? DEFAULTS.markdown,
    help,
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
