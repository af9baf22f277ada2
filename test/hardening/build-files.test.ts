/**
 * The start-up check's look at the build: a production server that cannot find the Cloud Tasks
 * client's protos, or the queue.yaml it was built with, fails at start naming the fix, instead of
 * passing and failing on the first defer() (or silently having only the default queue).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listBuildProblems } from '@/lib/src/runtime/build-files';
import { ROOT } from '../helpers/next-server';

const BUILT = 'NEXT_CLOUD_TASKS_BUILT_QUEUE_YAML';
afterEach(() => delete process.env[BUILT]);

/** A server folder as a standalone build makes it, with or without the client's protos traced. */
function serverDir({ protos }: { protos: boolean }): string {
  const dir = mkdtempSync(join(tmpdir(), 'build-files-'));
  const client = join(dir, 'node_modules/@google-cloud/tasks');
  mkdirSync(join(client, 'build/protos'), { recursive: true });
  writeFileSync(join(client, 'package.json'), '{"name":"@google-cloud/tasks"}');
  if (protos) writeFileSync(join(client, 'build/protos/protos.json'), '{}');
  return dir;
}

test('this repository, as built: nothing missing', () => {
  process.env[BUILT] = './queue.yaml';
  expect(listBuildProblems(join(ROOT, 'queue.yaml'), { appDir: ROOT })).toEqual([]);
});

test("a server without the client's protos: a problem naming withCloudTasks", () => {
  const dir = serverDir({ protos: false });
  const [problem] = listBuildProblems('/nowhere/queue.yaml', { appDir: dir, packageDir: dir });
  expect(problem.variable).toBe('@google-cloud/tasks');
  expect(problem.message).toMatch(/protos\.json.*missing.*withCloudTasks\(\) from next-cloud-tasks\/config/);
});

test('a server built with queue.yaml that cannot find it: a problem naming the file, withCloudTasks and DEFERRED_QUEUE_YAML', () => {
  process.env[BUILT] = './queue.yaml';
  const dir = serverDir({ protos: true });
  const problems = listBuildProblems(join(dir, 'queue.yaml'), { appDir: dir, packageDir: dir });
  expect(problems).toEqual([expect.objectContaining({ variable: 'queue.yaml' })]);
  expect(problems[0].message).toMatch(/built with \.\/queue\.yaml but cannot find it.*withCloudTasks.*DEFERRED_QUEUE_YAML/);
});

test('a server built without a queue.yaml (only the default queue) is fine without one', () => {
  process.env[BUILT] = '';
  const dir = serverDir({ protos: true });
  expect(listBuildProblems(join(dir, 'queue.yaml'), { appDir: dir, packageDir: dir })).toEqual([]);
});

test("pnpm's layout: the client linked beside the package, not in the app's node_modules, is found from the package", () => {
  const app = mkdtempSync(join(tmpdir(), 'build-files-pnpm-'));
  const store = join(app, 'node_modules/.pnpm/next-cloud-tasks@0.1.0/node_modules');
  const packageDir = join(store, 'next-cloud-tasks/dist/runtime');
  mkdirSync(packageDir, { recursive: true });
  mkdirSync(join(store, '@google-cloud/tasks/build/protos'), { recursive: true });
  writeFileSync(join(store, '@google-cloud/tasks/package.json'), '{"name":"@google-cloud/tasks"}');
  writeFileSync(join(store, '@google-cloud/tasks/build/protos/protos.json'), '{}');
  process.env[BUILT] = '';
  expect(listBuildProblems(join(app, 'queue.yaml'), { appDir: app, packageDir })).toEqual([]);
  // The same server, looked at only from the app's folder (what the check did before): the client is not there.
  expect(listBuildProblems(join(app, 'queue.yaml'), { appDir: app, packageDir: app })).toEqual([
    expect.objectContaining({ variable: '@google-cloud/tasks' }),
  ]);
});
