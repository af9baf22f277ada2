/**
 * `next-cloud-tasks emulator [--port 8123] [--host 127.0.0.1] [--data FILE | --data :memory:]
 * [--queue-yaml queue.yaml] [--cron-yaml cron.yaml] [--app-url URL] [--project ID] [--location ID]
 * [--allow-target-host HOST[,HOST]] [--reuse-deleted-queue-names]` to EmulatorOptions.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_OPTIONS, type EmulatorOptions } from '../emulator/options.js';
import { ALLOWED_HOSTS_ENV, parseAllowedHosts } from '../emulator/target-policy.js';
import { ENV, envText, type Env } from '../contract/env.js';
import { localAppUrl } from './emulated-app-env.js';

export const USAGE = `Usage: next-cloud-tasks emulator [options]

  --port <n>            port to listen on, for REST and gRPC alike (default ${DEFAULT_OPTIONS.port};
                        0 = any free port)
  --grpc-port <n|off>   also serve gRPC on a port of its own (0 = any free port); off = REST only
                        (default: gRPC on --port, beside REST)
  --host <addr>         interface to bind (default ${DEFAULT_OPTIONS.host}; the emulator has no auth)
  --data <file>         SQLite file for queues, tasks and the signing key
                        (default ${DEFAULT_OPTIONS.data}), or :memory: to keep nothing
  --queue-yaml <file>   App Engine queue.yaml to load at start, and again when it changes
                        (default $DEFERRED_QUEUE_YAML, the app's, else ./queue.yaml if present)
  --cron-yaml <file>    App Engine cron.yaml whose jobs run on schedule (default ./cron.yaml if present)
  --app-url <url>       the app the cron jobs call (default $DEFERRED_SERVICE_URL or
                        http://127.0.0.1:$PORT, PORT defaulting to 3000); their tokens are for
                        $DEFERRED_SERVICE_ACCOUNT (default deferred-tasks@<project>...) and
                        $DEFERRED_AUDIENCE (default the app URL)
  --project <id>        project of queue.yaml's queues (default $GOOGLE_CLOUD_PROJECT or ${DEFAULT_OPTIONS.project})
  --location <id>       location of queue.yaml's queues (default $CLOUD_TASKS_LOCATION or ${DEFAULT_OPTIONS.location})
  --allow-target-host <host[,host]>
                        hosts besides loopback that tasks may be sent to (repeatable; also
                        $${ALLOWED_HOSTS_ENV}), e.g. host.docker.internal for an app in a
                        container. Link-local and cloud metadata addresses are never allowed
  --reuse-deleted-queue-names
                        free a deleted queue's name at once, for test set-ups that delete and
                        re-create a fixed queue. Real Cloud Tasks (and the emulator by default)
                        refuses the name for 7 days with FAILED_PRECONDITION
  --quiet               do not print a line per task outcome
  --help                show this help`;

export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

export type CliCommand = { help: true } | { help: false; options: Partial<EmulatorOptions>; quiet: boolean };

export function parseCliArgs(argv: string[], env: Env = process.env, cwd = process.cwd()): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        'grpc-port': { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        'queue-yaml': { type: 'string' },
        'cron-yaml': { type: 'string' },
        'app-url': { type: 'string' },
        project: { type: 'string' },
        location: { type: 'string' },
        'allow-target-host': { type: 'string', multiple: true },
        'reuse-deleted-queue-names': { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new CliUsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return { help: true };
  const port = values.port === undefined ? DEFAULT_OPTIONS.port : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliUsageError(`--port must be a port number (0-65535), got "${values.port}"`);
  const grpcFlag = values['grpc-port'];
  const grpcPort = grpcFlag === undefined ? undefined : grpcFlag === 'off' ? false : Number(grpcFlag);
  if (typeof grpcPort === 'number' && (!Number.isInteger(grpcPort) || grpcPort < 0 || grpcPort > 65535))
    throw new CliUsageError(`--grpc-port must be a port number (0-65535) or off, got "${grpcFlag}"`);
  let allowedTargetHosts: string[];
  try {
    allowedTargetHosts = parseAllowedHosts([...(values['allow-target-host'] ?? []), envText(env, ENV.emulatorAllowedHosts) ?? '']);
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  // The app's queue.yaml (DEFERRED_QUEUE_YAML) when set: `dev` and `start` run both sides on one file.
  const defaultYaml = `${cwd}/queue.yaml`;
  const appYaml = envText(env, ENV.queueYaml);
  const queueYaml = values['queue-yaml'] ?? (appYaml ? resolve(cwd, appYaml) : existsSync(defaultYaml) ? defaultYaml : undefined);
  const defaultCron = `${cwd}/cron.yaml`;
  const cronYaml = values['cron-yaml'] ?? (existsSync(defaultCron) ? defaultCron : undefined);
  const appUrl = values['app-url'] ?? envText(env, ENV.serviceUrl) ?? localAppUrl(env);
  if (!/^https?:\/\/[^\s]+$/.test(appUrl))
    throw new CliUsageError(`--app-url must be an http(s) URL like http://127.0.0.1:3000, got "${appUrl}"`);
  return {
    help: false,
    quiet: values.quiet ?? false,
    options: {
      port,
      ...(grpcPort !== undefined && { grpcPort }),
      host: values.host ?? DEFAULT_OPTIONS.host,
      data: values.data ?? DEFAULT_OPTIONS.data,
      queueYaml,
      cronYaml,
      appUrl,
      ...(envText(env, ENV.serviceAccount) && { cronServiceAccount: envText(env, ENV.serviceAccount) }),
      ...(envText(env, ENV.audience) && { cronAudience: envText(env, ENV.audience) }),
      project: values.project ?? envText(env, ENV.project) ?? DEFAULT_OPTIONS.project,
      location: values.location ?? envText(env, ENV.location) ?? DEFAULT_OPTIONS.location,
      allowedTargetHosts,
      ...(values['reuse-deleted-queue-names'] && { limits: { deletedQueueNameSeconds: 0 } }),
    },
  };
}
