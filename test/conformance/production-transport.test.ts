/**
 * defer() in its production configuration: the transport Cloud Run uses (createCloudTasksClient
 * without an emulator host: `new CloudTasksClient({ fallback: true })`, REST, with defer()'s
 * retries and error mapping), pointed at the emulator instead of Google's endpoint, without TLS
 * and credentials. And the same over gRPC (`fallback: false`, the client library's own default,
 * docs/transport.md). The emulator dispatches each task with a real OIDC token to the handler on
 * loopback, and the function runs.
 */
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { PassThroughClient } from 'google-auth-library';
import { createManifest, defer, deferrable, getTaskContext } from 'next-cloud-tasks';
import { startEmulator, type EmulatorHandle } from 'next-cloud-tasks/emulator';
import { createCloudTasksTransport } from '@/lib/src/enqueue/cloud-tasks-transport';
import { httpFetch } from '@/lib/src/contract/http-fetch';
import { resetTokenVerifier } from '@/lib/src/handle/verify-token';
import { applyTestOptions } from 'next-cloud-tasks/testing';
import { startHandlerServer, type HandlerServer } from '../helpers/handler-server';

const QUEUE_YAML = join(__dirname, '../../queue.yaml');
const PROJECT = 'dev-project';
const EMAIL = `deferred-tasks@${PROJECT}.iam.gserviceaccount.com`;

const ran: { args: unknown[]; queue?: string; retryCount: number }[] = [];
const invoice = deferrable('conformance.invoice', (customer: string, cents: bigint, at: Date) => {
  const context = getTaskContext();
  ran.push({ args: [customer, cents, at], queue: context.queueName, retryCount: context.retryCount });
});
const manifest = createManifest([invoice]);

let emulator: EmulatorHandle;
let app: HandlerServer;
const savedEnv = { ...process.env };
let restoreOptions: () => void;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, data: ':memory:', queueYaml: QUEUE_YAML, project: PROJECT, location: 'us-central1' });
  app = await startHandlerServer({ manifest });
  // The handler trusts the emulator's token issuer only with CLOUD_TASKS_EMULATOR_HOST set; defer() below
  // does not use it: its transport is set explicitly to production's.
  Object.assign(process.env, {
    CLOUD_TASKS_EMULATOR_HOST: emulator.hostPort,
    GOOGLE_CLOUD_PROJECT: PROJECT,
    CLOUD_TASKS_LOCATION: 'us-central1',
    DEFERRED_SERVICE_URL: app.url,
    DEFERRED_SERVICE_ACCOUNT: EMAIL,
  });
  resetTokenVerifier();
  restoreOptions = applyTestOptions({ queueYaml: QUEUE_YAML, logWriter: () => {} });
});

beforeEach(() => ran.splice(0));

afterAll(async () => {
  process.env = savedEnv;
  restoreOptions?.();
  await app?.close();
  await emulator?.stop();
});

const TRANSPORTS = {
  'production (REST)': () => ({
    apiEndpoint: emulator.host,
    port: emulator.port,
    protocol: 'http',
    authClient: new PassThroughClient({ transporterOptions: { fetchImplementation: httpFetch } } as never),
  }),
  'gRPC (fallback: false)': () => ({
    fallback: false,
    apiEndpoint: emulator.host,
    port: emulator.port,
    sslCreds: grpc.credentials.createInsecure(),
    // Credentials of its own, or google-gax asks the metadata server for the universe domain first.
    authClient: new PassThroughClient(),
  }),
};

describe.each(Object.entries(TRANSPORTS))('%s', (label, clientOptions) => {
  let restore: () => void;
  beforeEach(() => {
    // No emulatorHost: createCloudTasksClient's production branch, with only the endpoint changed.
    restore = applyTestOptions({ transport: createCloudTasksTransport({ clientOptions: clientOptions() as never }) });
  });
  afterEach(() => restore());

  test('a task created by defer() runs in the app, with its arguments and headers', async () => {
    const at = new Date('2026-12-01T10:00:00Z');
    const name = await defer(invoice, ['ada', 1234n, at], { queue: 'default' });
    expect(name).toMatch(/^projects\/dev-project\/locations\/us-central1\/queues\/default\/tasks\/\w+/);
    const finished = await emulator.waitForTask(name, 15_000);
    expect(finished).toMatchObject({ kind: 'success', status: 200 });
    expect(ran).toEqual([{ args: ['ada', 1234n, at], queue: 'default', retryCount: 0 }]);
  });

  test('a named duplicate is the typed ALREADY_EXISTS error, as from Cloud Tasks', async () => {
    const name = `once-${label.split(' ')[0]}`;
    await defer(invoice, ['bob', 1n, new Date()], { queue: 'default', name, countdown: 60 });
    await expect(defer(invoice, ['bob', 1n, new Date()], { queue: 'default', name, countdown: 60 })).rejects.toMatchObject({
      name: 'TaskAlreadyExistsError',
    });
  });
});
