/**
 * `@google-cloud/tasks` (and gRPC) never loads on the workflow handler's path: loading the World
 * as the SDK does, verifying a token and running a message load neither (task creation loads the
 * client lazily, on the first task).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/next-server';

test('a verified delivery through the World loads neither @google-cloud/tasks nor gRPC', () => {
  const probe = join(mkdtempSync(join(tmpdir(), 'probe-')), 'loaded.txt');
  const result = spawnSync(
    process.execPath,
    ['--require', join(ROOT, 'test/helpers/module-probe.cjs'), join(__dirname, 'fixtures/handler-path.mjs')],
    {
      cwd: ROOT,
      env: { ...process.env, MODULE_PROBE_FILE: probe },
      encoding: 'utf8',
    },
  );
  expect(result.stderr).not.toMatch(/Error/);
  expect(JSON.parse(result.stdout.trim().split('\n').pop()!)).toEqual({ status: 200, ran: 1 });
  expect(existsSync(probe) ? readFileSync(probe, 'utf8').trim().split('\n') : []).toEqual([]);
});
