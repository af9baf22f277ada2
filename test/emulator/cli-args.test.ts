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
      options: { port: 8123, host: '127.0.0.1', data: '.cloud-tasks-emulator/state.sqlite', queueYaml: undefined, project: 'dev-project', location: 'us-central1' },
    });
    writeFileSync(join(dir, 'queue.yaml'), 'queue: []\n');
    expect(parseCliArgs([], {}, dir)).toMatchObject({ options: { queueYaml: `${dir}/queue.yaml` } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('flags and the app\'s environment', () => {
  const command = parseCliArgs(['--port', '0', '--data', ':memory:', '--queue-yaml', 'q.yaml', '--quiet'], { GOOGLE_CLOUD_PROJECT: 'p1', CLOUD_TASKS_LOCATION: 'europe-west1' });
  expect(command).toMatchObject({ quiet: true, options: { port: 0, data: ':memory:', queueYaml: 'q.yaml', project: 'p1', location: 'europe-west1' } });
  expect(parseCliArgs(['--help'])).toEqual({ help: true });
});

test('a bad port or an unknown flag is a usage error that says what is wrong', () => {
  expect(() => parseCliArgs(['--port', 'http'])).toThrow(new CliUsageError('--port must be a port number (0-65535), got "http"'));
  expect(() => parseCliArgs(['--prot', '1'])).toThrow(/Unknown option '--prot'[\s\S]*Usage: next-cloud-tasks emulator/);
});
