/**
 * defer() carries the caller's trace onto the task as `traceparent`: from its option, or from the
 * traceProvider option (the Next adapter's default reads the request). (The whole trip through Next and the emulator,
 * with the handler's log line, is in trace-e2e.test.ts.)
 */
import { defer, deferrable, type CreateTaskRequest, type CloudTasksOptions, type TraceProvider } from 'next-cloud-tasks';
import { applyTestOptions } from 'next-cloud-tasks/testing';
import { traceparentFromHeaders } from '@/lib/src/runtime/trace';

const config: CloudTasksOptions = {
  project: 'p',
  location: 'l',
  serviceUrl: 'https://app.example.com',
  serviceAccount: 'tasks@p.iam.gserviceaccount.com',
  audience: 'https://app.example.com',
};
const sent: CreateTaskRequest[] = [];
const ping = deferrable('trace.ping', () => {});
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = `00-${TRACE}-00f067aa0ba902b7-01`;

let restore: () => void;
beforeAll(() => {
  restore = applyTestOptions({
    ...config,
    transport: {
      createTask: async (request) => (sent.push(request), { name: `projects/p/locations/l/queues/default/tasks/${sent.length}` }),
    },
  });
});
afterAll(() => restore());
let removeProvider: (() => void) | undefined;
/** The traceProvider option, for the rest of the test. */
const provideTrace = (provider: TraceProvider) => (removeProvider = applyTestOptions({ traceProvider: provider }));
beforeEach(() => {
  sent.length = 0;
  removeProvider?.();
});

const lastHeaders = () => sent.at(-1)!.headers;

test('the traceparent option goes on the task as a header', async () => {
  await defer(ping, [], { traceparent: PARENT });
  expect(lastHeaders()).toEqual({ traceparent: PARENT, 'Content-Type': 'application/json' });
});

test('without the option, the traceProvider option gives the trace (the Next adapter gives a default)', async () => {
  provideTrace(async () => PARENT);
  await defer(ping, []);
  expect(lastHeaders().traceparent).toBe(PARENT);
});

test('no provider, `traceparent: false`, or a malformed value: no trace header', async () => {
  await defer(ping, []);
  provideTrace(() => PARENT);
  await defer(ping, [], { traceparent: false });
  await defer(ping, [], { traceparent: '00-nothex-00f067aa0ba902b7-01' });
  await defer(ping, [], { traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` });
  expect(sent.map((r) => r.headers.traceparent)).toEqual([undefined, undefined, undefined, undefined]);
});

test("a traceparent the caller put in the task's own headers wins", async () => {
  provideTrace(() => PARENT);
  const own = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-00`;
  await defer(ping, [], { headers: { TraceParent: own } });
  expect(lastHeaders()).toEqual({ TraceParent: own, 'Content-Type': 'application/json' });
});

test("Google's X-Cloud-Trace-Context becomes a traceparent (decimal span id to 16 hex digits)", () => {
  expect(traceparentFromHeaders(new Headers({ 'x-cloud-trace-context': `${TRACE.toUpperCase()}/1234567890;o=1` }))).toBe(
    `00-${TRACE}-00000000499602d2-01`,
  );
  expect(traceparentFromHeaders(new Headers({ 'x-cloud-trace-context': `${TRACE}/1;o=0` }))).toBe(`00-${TRACE}-0000000000000001-00`);
  expect(traceparentFromHeaders(new Headers({ 'x-cloud-trace-context': 'garbage' }))).toBeUndefined();
  // traceparent is preferred when both are present.
  expect(traceparentFromHeaders(new Headers({ traceparent: PARENT, 'x-cloud-trace-context': `${'c'.repeat(32)}/1` }))).toBe(PARENT);
});
