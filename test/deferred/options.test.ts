/**
 * One options object: registerDeferred(options) sets it for the whole process (every module
 * instance of the package sees it), explicit options win over the environment, which wins over
 * the defaults, every problem is named at once, and registerDeferred makes no network call.
 * The test kit's layers go over it: a stub's settings ignore the environment, hooks merge through.
 */
import {
  ConfigError,
  createManifest,
  defer,
  deferrable,
  type CreateTaskRequest,
  type LogEntry,
  type TaskTransport,
  UnknownFunctionError,
} from 'next-cloud-tasks';
import { registerDeferred } from 'next-cloud-tasks/next';
import { applyTestOptions, createTaskQueueStub } from 'next-cloud-tasks/testing';
import { resolveSettings } from '@/lib/src/runtime/config';
import { setAppOptions } from '@/lib/src/runtime/options-state';

// registerDeferred installs a SIGTERM handler for the process; a jest worker must keep its own.
jest.mock('../../lib/src/runtime/shutdown', () => ({
  ...jest.requireActual('../../lib/src/runtime/shutdown'),
  installGracefulShutdown: jest.fn(),
}));

const ping = deferrable('options.ping', (n: number) => n);
const manifest = createManifest([ping]);
const SETTINGS = {
  project: 'opt-project',
  location: 'europe-west1',
  serviceUrl: 'https://opt.example.com',
  serviceAccount: 'tasks@opt-project.iam.gserviceaccount.com',
};
const ENV = {
  GOOGLE_CLOUD_PROJECT: 'env-project',
  CLOUD_TASKS_LOCATION: 'us-central1',
  DEFERRED_SERVICE_URL: 'https://env.example.com/',
  DEFERRED_SERVICE_ACCOUNT: 'tasks@env-project.iam.gserviceaccount.com',
};

function recordingTransport(): TaskTransport & { sent: CreateTaskRequest[] } {
  const sent: CreateTaskRequest[] = [];
  return {
    sent,
    createTask: async (request) => (sent.push(request), { name: `projects/p/locations/l/queues/default/tasks/${sent.length}` }),
  };
}

afterEach(() => setAppOptions({}));

describe('resolution: explicit options, then the environment, then the defaults', () => {
  test('an option wins over its variable; an unset option falls back to the variable, then to the default', () => {
    const settings = resolveSettings({ project: 'explicit', enqueueAttempts: 2 }, ENV);
    expect(settings.enqueue).toEqual(
      expect.objectContaining({
        project: 'explicit',
        location: 'us-central1',
        serviceUrl: 'https://env.example.com',
        audience: 'https://env.example.com',
      }),
    );
    expect(settings).toMatchObject({
      enqueueAttempts: 2,
      shutdownGraceMs: 8000,
      payloadMaxBytes: 32 * 1024 * 1024,
      prewarm: true,
      queueYaml: 'queue.yaml',
    });
    expect(resolveSettings({}, { ...ENV, DEFERRED_ENQUEUE_ATTEMPTS: '7' }).enqueueAttempts).toBe(7);
  });

  test('a malformed option is named as the option, a malformed variable as the variable, all in one error', () => {
    const { enqueue } = resolveSettings(
      { serviceUrl: 'app.example.com', serviceAccount: 'tasks' },
      { CLOUD_TASKS_EMULATOR_HOST: 'localhost' },
    );
    expect(enqueue).toBeInstanceOf(ConfigError);
    expect(enqueue).toMatchObject({
      variables: [
        'GOOGLE_CLOUD_PROJECT',
        'CLOUD_TASKS_LOCATION',
        'options.serviceUrl',
        'options.serviceAccount',
        'CLOUD_TASKS_EMULATOR_HOST',
      ],
      message: expect.stringMatching(
        /GOOGLE_CLOUD_PROJECT is not set: .*\(or the project option of registerDeferred\)[^]*options\.serviceUrl="app\.example\.com" is not a URL/,
      ),
    });
  });

  test('a malformed tuning value falls back to its default with a warning, and is a problem for the start-up check', () => {
    const settings = resolveSettings({ shutdownGraceMs: -1 }, { ...ENV, DEFERRED_PAYLOAD_MAX_BYTES: 'lots' });
    expect(settings).toMatchObject({ shutdownGraceMs: 8000, payloadMaxBytes: 32 * 1024 * 1024 });
    expect(settings.problems.map((p) => p.variable)).toEqual(['options.shutdownGraceMs', 'DEFERRED_PAYLOAD_MAX_BYTES']);
    expect(settings.tuningWarnings).toEqual([
      expect.stringMatching(/^options\.shutdownGraceMs="-1" must be a whole number of milliseconds.*; using 8000$/),
      expect.stringMatching(/^DEFERRED_PAYLOAD_MAX_BYTES="lots" must be a whole number of bytes.*; using 33554432$/),
    ]);
  });

  test('the handler: audience and accepted emails from the options as from the environment', () => {
    expect(resolveSettings({ serviceUrl: 'https://a.example', allowedEmails: ['x@p.iam.gserviceaccount.com'] }, {}).handler).toEqual(
      expect.objectContaining({ audience: 'https://a.example', allowedEmails: ['x@p.iam.gserviceaccount.com'] }),
    );
    expect(resolveSettings({ allowedEmails: ['nope'] }, { DEFERRED_SERVICE_URL: 'https://a.example' }).handler).toMatchObject({
      message: expect.stringMatching(/options\.allowedEmails="nope" is not an email address/),
    });
  });
});

describe('registerDeferred(options)', () => {
  test('sets the process options: defer() uses its settings, transport and hooks, and it sends nothing itself', async () => {
    const transport = recordingTransport();
    const events: string[] = [];
    const logs: LogEntry[] = [];
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await registerDeferred({ ...SETTINGS, transport, onEvent: (event) => events.push(event), logWriter: (entry) => logs.push(entry) });
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();

    await defer(ping, [1]);
    expect(transport.sent).toEqual([
      expect.objectContaining({
        project: 'opt-project',
        location: 'europe-west1',
        url: 'https://opt.example.com/_ah/queue/deferred/options.ping',
        oidcToken: { serviceAccountEmail: SETTINGS.serviceAccount, audience: 'https://opt.example.com' },
      }),
    ]);
    expect(events).toEqual(['task:enqueued']);
  });

  test('called again (a dev reload), the new options replace the old ones', async () => {
    const first = recordingTransport();
    const second = recordingTransport();
    await registerDeferred({ ...SETTINGS, transport: first });
    await registerDeferred({ ...SETTINGS, project: 'reloaded', transport: second });
    await defer(ping, [2]);
    expect(first.sent).toEqual([]);
    expect(second.sent).toEqual([expect.objectContaining({ project: 'reloaded' })]);
  });

  test('another module instance of the package (as Next loads one per bundle) sees the same options', async () => {
    const transport = recordingTransport();
    await registerDeferred({ ...SETTINGS, transport });
    let isolated!: typeof import('next-cloud-tasks');
    jest.isolateModules(() => {
      isolated = require('next-cloud-tasks');
    });
    expect(isolated.defer).not.toBe(defer);
    await isolated.defer(ping, [3]);
    expect(transport.sent).toEqual([expect.objectContaining({ project: 'opt-project' })]);
  });
});

describe('registerDeferred({ manifest })', () => {
  const unlisted = deferrable('options.unlisted', () => {});

  test('defer() of a function missing from the manifest throws, naming it and the manifest, before any network call, in every module instance', async () => {
    const transport = recordingTransport();
    await registerDeferred({ ...SETTINGS, transport, manifest });
    const attempt = defer(unlisted, []);
    await expect(attempt).rejects.toBeInstanceOf(UnknownFunctionError);
    await expect(attempt).rejects.toThrow(
      /^defer\(options\.unlisted\): "options\.unlisted" is not in the app's manifest \(the `manifest` option, which lists 1: options\.ping\), so its task would fail with 404 on every attempt: add the function to createManifest\(\[\.\.\.\]\)/,
    );
    let isolated!: typeof import('next-cloud-tasks');
    jest.isolateModules(() => {
      isolated = require('next-cloud-tasks');
    });
    await expect(isolated.defer(unlisted, [])).rejects.toThrow(/"options\.unlisted" is not in the app's manifest/);
    expect(transport.sent).toEqual([]);
    await defer(ping, [5]);
    expect(transport.sent).toEqual([expect.objectContaining({ url: 'https://opt.example.com/_ah/queue/deferred/options.ping' })]);
  });

  test('the error lists at most ten of the functions', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `f${i}`);
    expect(new UnknownFunctionError('x', ids).message).toMatch(/which lists 12: f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, and 2 more\)/);
  });

  test('without a manifest, defer() cannot tell which functions the route serves, and does not check', async () => {
    const transport = recordingTransport();
    await registerDeferred({ ...SETTINGS, transport });
    await defer(unlisted, []);
    expect(transport.sent).toHaveLength(1);
  });
});

describe("the test kit's layers over the app's options", () => {
  test("a stub's settings ignore the environment and the app's settings; the app's hooks still apply", async () => {
    const logs: LogEntry[] = [];
    await registerDeferred({ ...SETTINGS, logWriter: (entry) => logs.push(entry) });
    const stub = createTaskQueueStub({ manifest, queues: { yaml: 'queue:\n- name: default\n  rate: 1/s\n' } });
    stub.install();
    try {
      const name = await defer(ping, [4]);
      expect(name).toMatch(/^projects\/test-project\/locations\/us-central1\/queues\/default\/tasks\//);
      await stub.runTask(stub.getFilteredTasks()[0]);
      expect(logs.some((entry) => /options\.ping/.test(JSON.stringify(entry)))).toBe(true);
    } finally {
      stub.uninstall();
    }
  });

  test('applyTestOptions goes over the app options until removed', async () => {
    const app = recordingTransport();
    const test = recordingTransport();
    await registerDeferred({ ...SETTINGS, transport: app });
    const restore = applyTestOptions({ transport: test, project: 'from-the-test' });
    await defer(ping, [5]);
    restore();
    await defer(ping, [6]);
    expect(test.sent).toEqual([expect.objectContaining({ project: 'from-the-test' })]);
    expect(app.sent).toEqual([expect.objectContaining({ project: 'opt-project' })]);
  });
});
