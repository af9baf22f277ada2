import { ConfigError } from 'next-cloud-tasks';
import { resolveSettings } from '@/lib/src/runtime/config';

type Env = Record<string, string | undefined>;
/** What defer() and the handler get from this environment alone (no explicit options); a ConfigError is thrown. */
const readEnqueueConfig = (env: Env) => orThrow(resolveSettings({}, env).enqueue);
const readHandlerConfig = (env: Env) => orThrow(resolveSettings({}, env).handler);
const listConfigProblems = (env: Env) => resolveSettings({}, env).problems;
function orThrow<T>(value: T | ConfigError): T {
  if (value instanceof ConfigError) throw value;
  return value;
}

const complete = {
  GOOGLE_CLOUD_PROJECT: 'p',
  CLOUD_TASKS_LOCATION: 'us-central1',
  DEFERRED_SERVICE_URL: 'https://app-abc-uc.a.run.app/',
  DEFERRED_SERVICE_ACCOUNT: 'tasks@p.iam.gserviceaccount.com',
};

test('a complete environment gives both configurations; the audience defaults to the service URL', () => {
  expect(readEnqueueConfig(complete)).toEqual({
    project: 'p',
    location: 'us-central1',
    serviceUrl: 'https://app-abc-uc.a.run.app',
    serviceAccountEmail: 'tasks@p.iam.gserviceaccount.com',
    audience: 'https://app-abc-uc.a.run.app',
    emulatorHost: undefined,
  });
  expect(readHandlerConfig(complete)).toEqual({
    audience: 'https://app-abc-uc.a.run.app',
    allowedEmails: ['tasks@p.iam.gserviceaccount.com'],
    emulatorHost: undefined,
    project: 'p',
  });
  expect(listConfigProblems(complete)).toEqual([]);
});

test('every missing variable is named at once, with what it is for', () => {
  let error: unknown;
  try {
    readEnqueueConfig({});
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).variables).toEqual([
    'GOOGLE_CLOUD_PROJECT',
    'CLOUD_TASKS_LOCATION',
    'DEFERRED_SERVICE_URL',
    'DEFERRED_SERVICE_ACCOUNT',
  ]);
  expect((error as Error).message).toMatch(/CLOUD_TASKS_LOCATION is not set: the region of the queues/);
});

test.each([
  ['a service URL that is not a URL', { DEFERRED_SERVICE_URL: 'app.example.com' }, /DEFERRED_SERVICE_URL="app.example.com" is not a URL/],
  ['a service URL with a query', { DEFERRED_SERVICE_URL: 'https://a.example?x=1' }, /must not carry a query string/],
  ['a service account that is not an email', { DEFERRED_SERVICE_ACCOUNT: 'tasks' }, /DEFERRED_SERVICE_ACCOUNT="tasks" is not an email/],
  ['an emulator host without port', { CLOUD_TASKS_EMULATOR_HOST: 'localhost' }, /CLOUD_TASKS_EMULATOR_HOST="localhost" must be host:port/],
])('%s is named', (_name, change, message) => {
  expect(() => readEnqueueConfig({ ...complete, ...change })).toThrow(message);
});

test('the emulator is refused on Cloud Run (K_SERVICE set): its tokens would be trusted', () => {
  const env = { ...complete, CLOUD_TASKS_EMULATOR_HOST: '127.0.0.1:8123', K_SERVICE: 'my-app' };
  expect(() => readHandlerConfig(env)).toThrow(/CLOUD_TASKS_EMULATOR_HOST is set on Cloud Run/);
  expect(() => readEnqueueConfig(env)).toThrow(/CLOUD_TASKS_EMULATOR_HOST is set on Cloud Run/);
  expect(readHandlerConfig({ ...env, K_SERVICE: '' }).emulatorHost).toBe('127.0.0.1:8123');
});

test('DEFERRED_ALLOWED_EMAILS and DEFERRED_AUDIENCE override the defaults', () => {
  const config = readHandlerConfig({
    ...complete,
    DEFERRED_ALLOWED_EMAILS: 'a@p.iam.gserviceaccount.com, b@p.iam.gserviceaccount.com',
    DEFERRED_AUDIENCE: 'https://tasks.example.com',
  });
  expect(config).toEqual(
    expect.objectContaining({
      audience: 'https://tasks.example.com',
      allowedEmails: ['a@p.iam.gserviceaccount.com', 'b@p.iam.gserviceaccount.com'],
    }),
  );
  expect(() => readHandlerConfig({ ...complete, DEFERRED_ALLOWED_EMAILS: 'a@p, nope' })).toThrow(
    /DEFERRED_ALLOWED_EMAILS="nope" is not an email/,
  );
});

test('the handler needs only the audience and the accepted emails', () => {
  expect(() =>
    readHandlerConfig({ DEFERRED_SERVICE_URL: 'https://a.example', DEFERRED_SERVICE_ACCOUNT: 'x@p.iam.gserviceaccount.com' }),
  ).not.toThrow();
  expect(() => readHandlerConfig({ DEFERRED_SERVICE_URL: 'https://a.example' })).toThrow(
    /DEFERRED_ALLOWED_EMAILS \(or DEFERRED_SERVICE_ACCOUNT\) is not set/,
  );
});

describe('DEFERRED_PAYLOAD_BUCKET', () => {
  test('gs://bucket/prefix gives the bucket and a prefix ending in /, for defer and the handler alike', () => {
    const env = { ...complete, DEFERRED_PAYLOAD_BUCKET: 'gs://my-app-deferred/payloads' };
    expect(readEnqueueConfig(env).payloadStorage).toEqual({ bucket: 'my-app-deferred', prefix: 'payloads/' });
    expect(readHandlerConfig(env).payloadStorage).toEqual({ bucket: 'my-app-deferred', prefix: 'payloads/' });
    expect(readEnqueueConfig({ ...complete, DEFERRED_PAYLOAD_BUCKET: 'gs://my-app-deferred' }).payloadStorage).toEqual({
      bucket: 'my-app-deferred',
      prefix: '',
    });
    expect(readEnqueueConfig(complete).payloadStorage).toBeUndefined();
  });

  test('STORAGE_EMULATOR_HOST is the stand-in, and is refused on Cloud Run', () => {
    const env = { ...complete, DEFERRED_PAYLOAD_BUCKET: 'gs://b-local/x/', STORAGE_EMULATOR_HOST: 'http://127.0.0.1:8123/storage/v1' };
    expect(readEnqueueConfig(env).payloadStorage).toEqual({
      bucket: 'b-local',
      prefix: 'x/',
      emulatorUrl: 'http://127.0.0.1:8123/storage/v1',
    });
    expect(listConfigProblems({ ...env, K_SERVICE: 'app' })).toEqual([
      expect.objectContaining({ variable: 'STORAGE_EMULATOR_HOST', message: expect.stringMatching(/set on Cloud Run/) }),
    ]);
  });

  test.each(['my-bucket', 's3://my-bucket/x', 'gs://My_Bucket', 'gs://ab', 'gs://b-ok//x'])(
    '%s is refused, with the form to use',
    (value) => {
      expect(listConfigProblems({ ...complete, DEFERRED_PAYLOAD_BUCKET: value })).toEqual([
        expect.objectContaining({
          variable: 'DEFERRED_PAYLOAD_BUCKET',
          message: expect.stringMatching(/must be gs:\/\/BUCKET or gs:\/\/BUCKET\/PREFIX/),
        }),
      ]);
    },
  );
});
