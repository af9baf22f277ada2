/**
 * Starts the emulator: the store, the signing key, queue.yaml's queues, the dispatcher, and one
 * port for everything: a node:http server for the REST API, the certs, the dashboard and the
 * Storage stand-in, and the gRPC server, told apart by each connection's first bytes
 * (shared-port.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { joinHostPort } from '../contract/host-port.js';
import { EMULATOR_JWKS_PATH, EMULATOR_OIDC_DISCOVERY_PATH, EMULATOR_PEM_CERTS_PATH } from '../contract/issuers.js';
import { oidcDiscovery } from './oidc-discovery.js';
import { createGrpcServer, type GrpcServerHandle } from './grpc/server.js';
import { ActivityLog } from './activity.js';
import { invalidArgument, notFound } from './api-error.js';
import { loadCronJobsFromYaml, type LoadedCronJobs } from './cron-jobs.js';
import { CronScheduler } from './cron-scheduler.js';
import { createDashboard } from './dashboard/routes.js';
import { Dispatcher } from './dispatcher.js';
import { sendError, sendJson } from './http-util.js';
import { OidcSigner } from './oidc-signer.js';
import { FinishedTaskRecorder, type FinishedTask } from './finished-tasks.js';
import { resolveOptions, type EmulatorOptions, type ResolvedOptions } from './options.js';
import { QueueYamlSource } from './queue-yaml.js';
import { refuseRequest } from './request-guard.js';
import { BatchTasks } from './batch-tasks.js';
import { createRestApi } from './rest-api.js';
import { createSharedPort } from './shared-port.js';
import { Store } from './store.js';
import { ObjectStore } from './storage/object-store.js';
import { createStorageApi } from './storage/storage-api.js';
import { TargetPolicy } from './target-policy.js';
import type { EmulatorCron, EmulatorEventSource } from './task-events.js';
import { TasksService } from './tasks-service.js';

export interface EmulatorHandle {
  /** http://host:port, no trailing slash. */
  url: string;
  port: number;
  host: string;
  /** `host:port`, the value for the app's CLOUD_TASKS_EMULATOR_HOST. */
  hostPort: string;
  /**
   * `host:port` where gRPC clients connect: `hostPort` itself (REST and gRPC share the port),
   * or the port of its own given with `grpcPort`; undefined when gRPC is off (grpcPort: false).
   */
  grpcHostPort?: string;
  grpcPort?: number;
  options: ResolvedOptions;
  /** Task lifecycle events (task:start, task:success, task:error, task:dead). */
  events: EmulatorEventSource;
  /**
   * Resolves when the task (full name) has run successfully or been dead-lettered, even if that
   * happened before the call: the safe way for a test to wait for a task it just created.
   * @default timeoutMs 30000
   */
  waitForTask(name: string, timeoutMs?: number): Promise<FinishedTask>;
  /** Queues loaded from queue.yaml (full names) and its warnings: at start, then at each change of the file. */
  queueYaml?: { names: string[]; warnings: string[] };
  /** Jobs loaded from cron.yaml (job ids) and its warnings. */
  cronYaml?: LoadedCronJobs;
  /** Runs cron.yaml's jobs: their list and state, "run now", and events (cron:start, cron:retry, cron:done). */
  cron: EmulatorCron;
  /** Stops dispatching, closes the server (and its connections) and the database. */
  stop(): Promise<void>;
}

/** Clients cache certs for this long; short, so a `--data :memory:` restart is picked up soon. */
const CERTS_MAX_AGE_SECONDS = 60;
const TOMBSTONE_SWEEP_MS = 60_000;
/**
 * On every response (the dashboard's page sets a fuller CSP of its own): no framing, so no page
 * can overlay the dashboard's buttons (clickjacking); no MIME sniffing; and no embedding of its
 * answers by pages of other origins.
 */
const SECURITY_HEADERS = {
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function parseRequestUrl(target: string | undefined): URL {
  try {
    return new URL(target ?? '/', 'http://emulator');
  } catch {
    throw invalidArgument(`The request target ${JSON.stringify((target ?? '').slice(0, 200))} is not a valid URL path`);
  }
}

export async function startEmulator(input: Partial<EmulatorOptions> = {}): Promise<EmulatorHandle> {
  const options = resolveOptions(input);
  // Before the store opens: a bad --allow-target-host fails the start with its message.
  const targets = new TargetPolicy(options.allowedTargetHosts);
  const store = new Store(options.data);
  let objects: ObjectStore | undefined;
  try {
    const signer = OidcSigner.load(store);
    const queueYaml = options.queueYaml
      ? new QueueYamlSource(store, options.queueYaml, options.project, options.location, options.log)
      : undefined;
    const cronYaml = options.cronYaml
      ? loadCronJobsFromYaml(store, options.cronYaml, {
          appUrl: options.appUrl,
          serviceAccountEmail: options.cronServiceAccount ?? `deferred-tasks@${options.project}.iam.gserviceaccount.com`,
          audience: options.cronAudience,
        })
      : undefined;
    if (!cronYaml) store.deleteCronJobsExcept([]);
    const cron = new CronScheduler(store, signer, options.log, options.cronClock, targets);
    const dispatcher = new Dispatcher(store, signer, options, Date.now, targets);
    const service = new TasksService(store, options.limits, dispatcher, Date.now, targets, options.location);
    // A queue added to queue.yaml while the emulator runs: loaded when a request names it, if the watch has not yet.
    if (queueYaml) service.reloadQueueYaml = () => queueYaml.refresh();
    const activity = new ActivityLog(dispatcher);
    const outcomes = new FinishedTaskRecorder(dispatcher);
    const batches = new BatchTasks(service, store);
    const restApi = createRestApi(service, batches);
    // Cloud Storage's JSON API for the adapter's offloaded payloads (STORAGE_EMULATOR_HOST).
    objects = new ObjectStore(options.data);
    const storageApi = createStorageApi(objects);
    const dashboard = createDashboard({ store, service, activity, options, cron, objects });

    /** http://host:port, known once the server listens (the discovery document's jwks_uri). */
    let baseUrl = '';
    const certs = (req: IncomingMessage, res: ServerResponse, pathname: string): boolean => {
      if (req.method !== 'GET') return false;
      const cache = { 'cache-control': `public, max-age=${CERTS_MAX_AGE_SECONDS}` };
      if (pathname === EMULATOR_PEM_CERTS_PATH) sendJson(res, 200, signer.pemCerts(), cache);
      else if (pathname === EMULATOR_JWKS_PATH) sendJson(res, 200, signer.jwks(), cache);
      else if (pathname === EMULATOR_OIDC_DISCOVERY_PATH) sendJson(res, 200, oidcDiscovery(baseUrl), cache);
      else return false;
      return true;
    };

    const server = createServer(async (req, res) => {
      try {
        for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
        const url = parseRequestUrl(req.url);
        const refused = refuseRequest(req, options.host, url.pathname);
        if (refused) {
          sendError(res, refused);
          return;
        }
        if (await storageApi(req, res, url)) return;
        if (await restApi(req, res, url)) return;
        if (certs(req, res, url.pathname)) return;
        if (await dashboard(req, res, url)) return;
        sendError(
          res,
          notFound(
            `Nothing at ${url.pathname}: the emulator serves /v2/... and /v2beta3/... (Cloud Tasks API), ${EMULATOR_PEM_CERTS_PATH}, ${EMULATOR_JWKS_PATH}, ${EMULATOR_OIDC_DISCOVERY_PATH} and the dashboard at /`,
          ),
        );
      } catch (error) {
        if (!res.headersSent) sendError(res, error);
        else res.destroy();
      }
    });
    server.keepAliveTimeout = 5_000;
    const grpcServer: GrpcServerHandle | undefined =
      options.grpcPort === false ? undefined : createGrpcServer(service, batches, options.log);
    const shared = createSharedPort({ http1: (socket) => server.emit('connection', socket), http2: grpcServer?.serveConnection });
    let grpcPort: number | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        shared.server.once('error', reject);
        shared.server.listen(options.port, options.host, () => {
          shared.server.off('error', reject);
          resolve();
        });
      });
      const { port } = shared.server.address() as AddressInfo;
      grpcPort = typeof options.grpcPort === 'number' ? await grpcServer?.listen(options.host, options.grpcPort) : grpcServer && port;
    } catch (error) {
      await grpcServer?.stop();
      shared.server.close();
      throw error;
    }
    dispatcher.start();
    cron.start();
    queueYaml?.watch();
    const sweep = setInterval(() => store.expireTombstones(Date.now()), TOMBSTONE_SWEEP_MS);
    sweep.unref();

    const { port } = shared.server.address() as AddressInfo;
    const hostPort = joinHostPort(options.host, port);
    baseUrl = `http://${hostPort}`;
    let stopping: Promise<void> | undefined;
    return {
      url: `http://${hostPort}`,
      port,
      host: options.host,
      hostPort,
      ...(grpcPort !== undefined ? { grpcPort, grpcHostPort: joinHostPort(options.host, grpcPort) } : {}),
      options,
      events: dispatcher,
      waitForTask: (name, timeoutMs = 30_000) => outcomes.waitFor(name, timeoutMs),
      get queueYaml() {
        return queueYaml?.loaded;
      },
      cronYaml,
      cron,
      stop: () =>
        (stopping ??= (async () => {
          clearInterval(sweep);
          queueYaml?.close();
          dispatcher.stop();
          cron.stop();
          await grpcServer?.stop();
          await new Promise<void>((resolve) => {
            shared.server.close(() => resolve());
            shared.destroyConnections();
          });
          // Attempts cut short by the stop are due again at the next start.
          store.tasks.recoverRunning();
          store.close();
          objects?.close();
        })()),
    };
  } catch (error) {
    store.close();
    objects?.close();
    throw error;
  }
}
