import {
  createManifest,
  defer,
  deferrable,
  EnvelopeEncodeError,
  InvalidTaskOptionsError,
  PayloadTooLargeError,
  UnknownFunctionError,
  UnknownQueueError,
} from 'next-cloud-tasks';
import { setupTaskQueueStub } from 'next-cloud-tasks/testing';

const work = deferrable('work', (n: number) => n);
const big = deferrable('big', (s: string) => s);
const withObject = deferrable('withObject', (value: object) => value);
const queue = setupTaskQueueStub({
  manifest: createManifest([work, big, withObject]),
  config: {
    project: 'p',
    serviceUrl: 'https://app.example.com',
    serviceAccount: 'tasks@p.iam.gserviceaccount.com',
    audience: 'https://app.example.com',
  },
});
const sent = () => queue.getFilteredTasks();

test('defaults: queue default, path /_ah/queue/deferred/<id>, JSON content type, no schedule', async () => {
  const name = await defer(work, [1]);
  expect(sent()).toEqual([
    expect.objectContaining({
      queueName: 'default',
      url: 'https://app.example.com/_ah/queue/deferred/work',
      headers: { 'Content-Type': 'application/json' },
      eta: queue.clock.now(),
    }),
  ]);
  // No name given: Cloud Tasks (here, the stub) picks one.
  expect(name).toMatch(/^projects\/p\/locations\/us-central1\/queues\/default\/tasks\/\d{19}$/);
});

test('countdown schedules that many seconds ahead', async () => {
  const before = queue.clock.now().getTime();
  await defer(work, [1], { countdown: 90 });
  expect(sent()[0].eta.getTime()).toBe(before + 90_000);
});

const invalid: [string, object, RegExp][] = [
  ['countdown with eta', { countdown: 1, eta: new Date() }, /countdown or eta, not both/],
  ['a negative countdown', { countdown: -1 }, /countdown must be a number of seconds >= 0/],
  ['countdown past 30 days', { countdown: 31 * 86400 }, /at most 30 days ahead/],
  ['eta past 30 days', { eta: new Date(Date.now() + 31 * 86400_000) }, /at most 30 days ahead/],
  ['an invalid eta', { eta: new Date('nope') }, /eta must be a valid Date/],
  ['a task name with a slash', { name: 'a/b' }, /task name "a\/b" is not valid/],
  ['a dispatch deadline of 10 s', { dispatchDeadline: 10 }, /15 to 1800 seconds/],
  ['a dispatch deadline of 31 min', { dispatchDeadline: 1860 }, /15 to 1800 seconds/],
  ['an absolute url', { url: 'https://evil.example/steal' }, /path in this app/],
  ['a protocol-relative url', { url: '//evil.example/steal' }, /path in this app/],
  ['a url with a trailing slash', { url: '/_ah/queue/deferred/' }, /must not end with "\/"/],
  ['an Authorization header', { headers: { Authorization: 'Bearer x' } }, /cannot be overridden/],
  ['an X-CloudTasks header', { headers: { 'X-CloudTasks-TaskName': 'x' } }, /cannot be overridden/],
  [
    'a lower-case content-type header',
    { headers: { 'content-type': 'text/plain' } },
    /header "content-type" cannot be overridden: the adapter sends every task body as application\/json/,
  ],
  ['a Connection header', { headers: { Connection: 'close' } }, /header "Connection" cannot be overridden: it is a hop-by-hop header/],
  [
    'a header value with CR/LF',
    { headers: { 'X-User': 'a\r\nX-Injected: 1' } },
    /header "X-User" has CR \(carriage return\) \(U\+000D\) at position 1/,
  ],
  ['a header value with a bare LF', { headers: { 'X-User': 'a\nb' } }, /header "X-User" has LF/],
  ['a header value with NUL', { headers: { 'X-User': 'a\u0000' } }, /header "X-User" has NUL/],
  ['a header value outside Latin-1', { headers: { 'X-Price': '5 €' } }, /header "X-Price" has "€" \(U\+20AC\) at position 2/],
  ['a header name with a space', { headers: { 'X User': 'x' } }, /header name "X User" is not a valid HTTP header name/],
  ['a header name with a colon', { headers: { 'X-A:': 'x' } }, /not a valid HTTP header name/],
  ['an empty header name', { headers: { '': 'x' } }, /header name "" is not a valid HTTP header name/],
  ['a header value that is not a string', { headers: { 'X-N': 1 } }, /header "X-N" must have a string value, got number/],
  ['headers that are not an object', { headers: ['X-A'] }, /headers must be an object/],
  ['a bad queue id', { queue: 'bad queue!' }, /not a valid queue id/],
];

test.each(invalid)('%s is refused before any network call', async (_name, options, message) => {
  const attempt = defer(work, [1], options);
  await expect(attempt).rejects.toBeInstanceOf(InvalidTaskOptionsError);
  await expect(attempt).rejects.toThrow(message);
  expect(sent()).toEqual([]);
});

test('a queue missing from queue.yaml is refused, naming the queues that run tasks (not the dead-letter ones)', async () => {
  const attempt = defer(work, [1], { queue: 'emails' });
  await expect(attempt).rejects.toBeInstanceOf(UnknownQueueError);
  await expect(attempt).rejects.toThrow(
    /queue "emails" is not defined in .*queue\.yaml; known queues: default, demo-failures, testing, bench, workflow-flows, workflow-steps\. Add it/,
  );
  await expect(attempt).rejects.toMatchObject({
    knownQueues: ['default', 'demo-failures', 'testing', 'bench', 'workflow-flows', 'workflow-steps'],
  });
  expect(sent()).toEqual([]);
});

test('a dead-letter queue is refused, naming the queue whose dead tasks it keeps', async () => {
  // queue.yaml: demo-failures has `dead_letter_queue: true`, so demo-failures-dead-letter exists, paused.
  const attempt = defer(work, [1], { queue: 'demo-failures-dead-letter' });
  await expect(attempt).rejects.toBeInstanceOf(InvalidTaskOptionsError);
  await expect(attempt).rejects.toMatchObject({ option: 'queue' });
  await expect(attempt).rejects.toThrow(
    /^queue "demo-failures-dead-letter" is a dead-letter queue \(of demo-failures, in .*queue\.yaml\): it is paused and only keeps dead tasks for `next-cloud-tasks dead-letters replay`; defer into "demo-failures" instead$/,
  );
  expect(sent()).toEqual([]);
});

test("a function missing from the stub's manifest is refused, naming it", async () => {
  const notListed = deferrable('notListed', () => {});
  const attempt = defer(notListed, []);
  await expect(attempt).rejects.toBeInstanceOf(UnknownFunctionError);
  await expect(attempt).rejects.toThrow(
    /"notListed" is not in the app's manifest \(the `manifest` option, which lists 3: work, big, withObject\)/,
  );
  expect(sent()).toEqual([]);
});

test('a payload over 1 MiB is refused before any network call', async () => {
  const attempt = defer(big, ['x'.repeat(1024 * 1024)]);
  await expect(attempt).rejects.toBeInstanceOf(PayloadTooLargeError);
  await expect(attempt).rejects.toThrow(/over the 1048576-byte limit/);
  expect(sent()).toEqual([]);
  await defer(big, ['x'.repeat(1000 * 1000)]);
  expect(sent()).toHaveLength(1);
});

test('arguments superjson cannot encode are refused before any network call, naming the function and the path', async () => {
  await expect(defer(withObject, [{ constructor: 'Point' }])).rejects.toThrow(EnvelopeEncodeError);
  await expect(defer(withObject, [{ constructor: 'Point' }])).rejects.toThrow(
    /defer\(withObject\): args\[0\]\.constructor cannot travel in a task: it is a key named "constructor"/,
  );
  expect(sent()).toEqual([]);
});

test('a function not made with deferrable() is refused', async () => {
  await expect(defer((() => {}) as never, [] as never)).rejects.toThrow(/deferrable\(id, fn\)/);
});

test('deferrable ids must be URL-safe, and a manifest refuses duplicates', async () => {
  const { createManifest } = await import('next-cloud-tasks');
  expect(() => deferrable('has space', () => {})).toThrow(/not valid/);
  expect(() => deferrable('../etc', () => {})).toThrow(/not valid/);
  expect(() => createManifest([deferrable('dup', () => {}), deferrable('dup', () => {})])).toThrow(/share the id "dup"/);
});
