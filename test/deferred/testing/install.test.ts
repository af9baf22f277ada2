import { ConfigError, createManifest, defer, deferrable, UnknownQueueError } from 'next-cloud-tasks';
import { queueCatalog } from '@/lib/src/runtime/queue-catalog';
import { createTaskQueueStub } from 'next-cloud-tasks/testing';

const ping = deferrable('ping', () => {});
const manifest = createManifest([ping]);
const ENV = [
  'GOOGLE_CLOUD_PROJECT',
  'CLOUD_TASKS_LOCATION',
  'DEFERRED_SERVICE_URL',
  'DEFERRED_SERVICE_ACCOUNT',
  'DEFERRED_AUDIENCE',
  'CLOUD_TASKS_EMULATOR_HOST',
];
const saved = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));

// Installing and uninstalling a stub changes the options, so the settings are resolved again
// from the environment as it is then.
beforeEach(() => {
  for (const name of ENV) delete process.env[name];
});
afterEach(() => {
  for (const name of ENV)
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
});

test('installed, defer needs no environment; uninstalled, defer reads it again', async () => {
  const stub = createTaskQueueStub({ manifest });
  stub.install();
  try {
    await defer(ping, []);
    expect(stub.getFilteredTasks()).toHaveLength(1);
  } finally {
    stub.uninstall();
  }
  await expect(defer(ping, [])).rejects.toBeInstanceOf(ConfigError);
  expect(stub.getFilteredTasks()).toHaveLength(1);
});

test('stubs nest: uninstalling the inner one puts the outer one (and its queues) back', async () => {
  const outer = createTaskQueueStub({ manifest });
  const inner = createTaskQueueStub({ manifest, queues: { yaml: 'queue:\n- name: mail\n  rate: 1/s\n', file: 'inner.yaml' } });
  outer.install();
  inner.install();
  try {
    await defer(ping, [], { queue: 'mail' });
    await expect(defer(ping, [], { queue: 'testing' })).rejects.toThrow(
      /queue "testing" is not defined in inner\.yaml; known queues: mail/,
    );
    inner.uninstall();
    await defer(ping, [], { queue: 'testing' });
    await expect(defer(ping, [], { queue: 'mail' })).rejects.toBeInstanceOf(UnknownQueueError);
    expect(inner.getFilteredTasks().map((t) => t.queueName)).toEqual(['mail']);
    expect(outer.getFilteredTasks().map((t) => t.queueName)).toEqual(['testing']);
  } finally {
    inner.uninstall();
    outer.uninstall();
  }
  expect(queueCatalog().names).toEqual([
    'default',
    'demo-failures',
    'testing',
    'bench',
    'workflow-flows',
    'workflow-steps',
    'demo-failures-dead-letter',
  ]);
});

test('a stub without a manifest says what it needs', () => {
  expect(() => createTaskQueueStub({} as never)).toThrow(/needs \{ manifest \}/);
});

test('an invalid queue.yaml for the stub names the line', () => {
  const stub = createTaskQueueStub({ manifest, queues: { yaml: 'queue:\n- name: x\n  rate: fast\n', file: 'bad.yaml' } });
  expect(() => stub.install()).toThrow(/bad\.yaml:3:/);
  // Nothing was changed: defer still checks the project's queues.
  expect(queueCatalog().names).toContain('testing');
});
