/**
 * The production build, for real: `next build`, `next start`, and signed tasks POSTed to the
 * route as Cloud Tasks would. Tokens are verified in emulator mode against a loopback certs
 * server (Google's certs URL is unreachable here); the code path is the same.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeEnvelope } from '@/lib/src/contract/envelope';
import { ROOT } from '../helpers/next-server';
import { startSignedApp, type SignedApp } from '../helpers/signed-app';

jest.setTimeout(240_000);

const probeFile = join(mkdtempSync(join(tmpdir(), 'probe-')), 'modules.txt');
let signed: SignedApp;

beforeAll(async () => {
  signed = await startSignedApp({
    // Prewarm off, as on a service that only runs tasks: then nothing but an enqueue loads the client.
    env: {
      DEFERRED_PREWARM: 'off',
      MODULE_PROBE_FILE: probeFile,
      NODE_OPTIONS: `--require ${join(ROOT, 'test/helpers/module-probe.cjs')}`,
    },
  });
});

afterAll(() => signed?.stop());

const url = () => signed.app.url;
const loadedModules = () => (existsSync(probeFile) ? readFileSync(probeFile, 'utf8').trim().split('\n').filter(Boolean) : []);

async function postTask(path: string, fn: string, args: unknown[], authorization?: string) {
  return fetch(url() + path, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      authorization: authorization ?? `Bearer ${await signed.token()}`,
      'content-type': 'application/json',
      'x-cloudtasks-queuename': 'default',
      'x-cloudtasks-taskname': `t-${fn}-${args[0]}`,
    },
    body: encodeEnvelope(fn, args),
  });
}

async function greetingNames(): Promise<string[]> {
  const greetings = (await (await fetch(`${url()}/api/greetings`)).json()) as { name: string }[];
  return greetings.map((g) => g.name);
}

test('a signed task to /_ah/queue/deferred/<id> runs the function', async () => {
  const response = await postTask('/_ah/queue/deferred/demo.greet', 'demo.greet', ['Ada', new Date()]);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ outcome: 'success' });
  expect(await greetingNames()).toContain('Ada');
});

test('the bare /_ah/queue/deferred and the vanity /_ah/queue/deferred_<suffix> reach the handler', async () => {
  expect((await postTask('/_ah/queue/deferred', 'demo.greet', ['Bare', new Date()])).status).toBe(200);
  expect((await postTask('/_ah/queue/deferred_greetings', 'demo.greet', ['Vanity', new Date()])).status).toBe(200);
  expect((await postTask('/_ah/queue/deferred_greetings/nested/path', 'demo.greet', ['Nested', new Date()])).status).toBe(200);
  expect(await greetingNames()).toEqual(expect.arrayContaining(['Bare', 'Vanity', 'Nested']));
});

test('refusals and failures keep the contract through Next: 401, 403, 405, 404, 500, permanent failure', async () => {
  expect((await postTask('/_ah/queue/deferred/demo.greet', 'demo.greet', ['NoToken', new Date()], 'Bearer forged.token.here')).status).toBe(
    401,
  );
  const stranger = await signed.token({ email: 'someone@else.iam.gserviceaccount.com' });
  expect((await postTask('/_ah/queue/deferred/demo.greet', 'demo.greet', ['Stranger', new Date()], `Bearer ${stranger}`)).status).toBe(403);
  const get = await fetch(`${url()}/_ah/queue/deferred/demo.greet`);
  expect(get.status).toBe(405);
  expect(get.headers.get('allow')).toBe('POST');
  expect((await postTask('/_ah/queue/deferred/nope', 'nope', [])).status).toBe(404);
  expect((await postTask('/_ah/queue/deferred/demo.alwaysFails', 'demo.alwaysFails', ['x'])).status).toBe(500);
  const permanent = await postTask('/_ah/queue/deferred/demo.rejectForever', 'demo.rejectForever', ['x']);
  expect(permanent.status).toBe(200);
  expect(permanent.headers.get('x-deferred-outcome')).toBe('dead-lettered');
  expect(await greetingNames()).not.toEqual(expect.arrayContaining(['NoToken', 'Stranger']));
});

test('a trailing slash answers 308, which is why task URLs never end in "/"', async () => {
  expect((await postTask('/_ah/queue/deferred/demo.greet/', 'demo.greet', ['Slash', new Date()])).status).toBe(308);
});

test("the handler's path never loads @google-cloud/tasks or gRPC; an enqueue does", async () => {
  for (let i = 0; i < 3; i++)
    expect((await postTask('/_ah/queue/deferred/demo.greet', 'demo.greet', [`Probe${i}`, new Date()])).status).toBe(200);
  expect(loadedModules()).toEqual([]);
  // An enqueue from the demo's route handler does load the client (the probe itself works);
  // the "emulator" here serves only certs, so the enqueue fails after loading it.
  await fetch(`${url()}/api/greetings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Enqueue' }),
  });
  expect(loadedModules()).toEqual(expect.arrayContaining(['@google-cloud/tasks', 'google-gax']));
});

test('the server fetched the signing certs once for all those tasks (one cached client)', () => {
  expect(signed.certs.fetches()).toBe(1);
});
