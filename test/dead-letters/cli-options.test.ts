import { parseDeadLettersOptions } from '@/lib/src/cli/dead-letters-options';
import { runDeadLettersCli } from '@/lib/src/cli/dead-letters';

const ENV = { GOOGLE_CLOUD_PROJECT: 'p', CLOUD_TASKS_LOCATION: 'us-central1' };

test('flags and the environment, with the queue CLI defaults', () => {
  expect(
    parseDeadLettersOptions(['replay', 'a', 'b', '--queue', 'mail'], { ...ENV, CLOUD_TASKS_EMULATOR_HOST: '127.0.0.1:8123' }),
  ).toMatchObject({
    command: 'replay',
    tasks: ['a', 'b'],
    queue: 'mail',
    all: false,
    file: 'queue.yaml',
    project: 'p',
    location: 'us-central1',
    emulatorHost: '127.0.0.1:8123',
  });
  expect(parseDeadLettersOptions(['delete', '--all', '--project', 'q', '--location', 'eu'], ENV)).toMatchObject({
    all: true,
    project: 'q',
    location: 'eu',
  });
});

test.each([
  [[], 'missing command; expected one of list, inspect, replay, delete'],
  [['retry'], 'unknown command "retry"'],
  [['list', 'abc'], 'list takes no task ("abc"); to see one task: dead-letters inspect abc'],
  [['inspect'], 'inspect takes exactly one TASK'],
  [['inspect', 'a', 'b'], 'inspect takes exactly one TASK (an id from `dead-letters list`), got 2'],
  [['replay'], 'replay needs the TASK ids to replay'],
  [['delete', 'a', '--all'], 'delete takes either TASK ids or --all, not both'],
  [['list', '--all'], '--all goes with replay or delete, not list'],
  [['list', '--queues', 'x'], "Unknown option '--queues'"],
])('%j is a usage error: %s', (argv, message) => {
  expect(() => parseDeadLettersOptions(argv, ENV)).toThrow(message);
});

test('--help prints the usage, with the roles and the exit codes; a usage error exits 2', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = { env: ENV, stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
  expect(await runDeadLettersCli(['--help'], io)).toBe(0);
  expect(out.join('\n')).toMatch(/roles\/cloudtasks\.taskDeleter/);
  expect(out.join('\n')).toMatch(/3 +Cloud Tasks API error, or no such dead task/);
  expect(await runDeadLettersCli(['replay'], io)).toBe(2);
  expect(err.join('\n')).toContain('Run with --help for usage.');
});
