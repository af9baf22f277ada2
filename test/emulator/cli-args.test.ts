import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliUsageError, parseCliArgs } from '@/lib/src/cli/emulator-options';

test('defaults: port 8123 on loopback, state in the gitignored folder, ./queue.yaml when present', () => {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-cli-'));
  try {
    expect(parseCliArgs([], {}, dir)).toEqual({
      help: false,
      quiet: false,
      options: {
        port: 8123,
        host: '127.0.0.1',
        data: '.cloud-tasks-emulator/state.sqlite',
        queueYaml: undefined,
        cronYaml: undefined,
        appUrl: 'http://127.0.0.1:3000',
        project: 'dev-project',
        location: 'us-central1',
        allowedTargetHosts: [],
      },
    });
    writeFileSync(join(dir, 'queue.yaml'), 'queue: []\n');
    expect(parseCliArgs([], {}, dir)).toMatchObject({ options: { queueYaml: `${dir}/queue.yaml` } });
    // The app's own queue.yaml (DEFERRED_QUEUE_YAML) first, so that `dev` runs both sides on one file; the flag wins.
    expect(parseCliArgs([], { DEFERRED_QUEUE_YAML: 'config/queues.yaml' }, dir)).toMatchObject({
      options: { queueYaml: join(dir, 'config/queues.yaml') },
    });
    expect(parseCliArgs(['--queue-yaml', 'q.yaml'], { DEFERRED_QUEUE_YAML: 'x.yaml' }, dir)).toMatchObject({
      options: { queueYaml: 'q.yaml' },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("flags and the app's environment", () => {
  const command = parseCliArgs(['--port', '0', '--data', ':memory:', '--queue-yaml', 'q.yaml', '--quiet'], {
    GOOGLE_CLOUD_PROJECT: 'p1',
    CLOUD_TASKS_LOCATION: 'europe-west1',
  });
  expect(command).toMatchObject({
    quiet: true,
    options: { port: 0, data: ':memory:', queueYaml: 'q.yaml', project: 'p1', location: 'europe-west1' },
  });
  expect(parseCliArgs(['--help'])).toEqual({ help: true });
});

test('a bad port or an unknown flag is a usage error that says what is wrong', () => {
  expect(() => parseCliArgs(['--port', 'http'])).toThrow(new CliUsageError('--port must be a port number (0-65535), got "http"'));
  expect(() => parseCliArgs(['--prot', '1'])).toThrow(/Unknown option '--prot'[\s\S]*Usage: next-cloud-tasks emulator/);
});

test('--allow-target-host (repeatable, comma-separated) and CLOUD_TASKS_EMULATOR_ALLOWED_HOSTS add up, normalized', () => {
  const command = parseCliArgs(['--allow-target-host', 'Host.Docker.Internal,app', '--allow-target-host', '[FD12::1]'], {
    CLOUD_TASKS_EMULATOR_ALLOWED_HOSTS: ' 192.168.1.20 , web. ',
  });
  expect(command).toMatchObject({ options: { allowedTargetHosts: ['host.docker.internal', 'app', 'fd12::1', '192.168.1.20', 'web'] } });
});

test.each([
  ['169.254.169.254', /"169.254.169.254" is a link-local or cloud metadata address/],
  ['metadata.google.internal', /"metadata.google.internal" is a link-local or cloud metadata address/],
  ['metadata', /"metadata" is a link-local or cloud metadata address/],
  ['[fd00:ec2::254]', /is a link-local or cloud metadata address/],
  ['fe80::1', /is a link-local or cloud metadata address/],
  ['http://app', /"http:\/\/app" is not a host name or IP address \(give the host alone, without scheme or port/],
  ['app:3000', /"app:3000" is not a host name or IP address/],
])('--allow-target-host %s is refused, naming the flag', (host, message) => {
  expect(() => parseCliArgs(['--allow-target-host', host])).toThrow(CliUsageError);
  expect(() => parseCliArgs(['--allow-target-host', host])).toThrow(/--allow-target-host \/ CLOUD_TASKS_EMULATOR_ALLOWED_HOSTS/);
  expect(() => parseCliArgs(['--allow-target-host', host])).toThrow(message);
  expect(() => parseCliArgs([], { CLOUD_TASKS_EMULATOR_ALLOWED_HOSTS: `ok.example,${host}` })).toThrow(message);
});

test("cron.yaml: ./cron.yaml when present; the app URL, account and audience from the app's environment", () => {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-cli-'));
  try {
    writeFileSync(join(dir, 'cron.yaml'), 'cron: []\n');
    expect(parseCliArgs([], { PORT: '4000' }, dir)).toMatchObject({
      options: { cronYaml: `${dir}/cron.yaml`, appUrl: 'http://127.0.0.1:4000' },
    });
    const env = {
      DEFERRED_SERVICE_URL: 'http://127.0.0.1:3100',
      DEFERRED_SERVICE_ACCOUNT: 'sa@p.iam.gserviceaccount.com',
      DEFERRED_AUDIENCE: 'https://aud.example',
    };
    expect(parseCliArgs(['--cron-yaml', 'c.yaml'], env, dir)).toMatchObject({
      options: {
        cronYaml: 'c.yaml',
        appUrl: 'http://127.0.0.1:3100',
        cronServiceAccount: 'sa@p.iam.gserviceaccount.com',
        cronAudience: 'https://aud.example',
      },
    });
    expect(parseCliArgs(['--app-url', 'http://127.0.0.1:5000'], env, dir)).toMatchObject({ options: { appUrl: 'http://127.0.0.1:5000' } });
    expect(() => parseCliArgs(['--app-url', 'localhost:3000'], {}, dir)).toThrow(
      new CliUsageError('--app-url must be an http(s) URL like http://127.0.0.1:3000, got "localhost:3000"'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
