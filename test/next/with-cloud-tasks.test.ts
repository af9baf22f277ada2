/**
 * withCloudTasks(nextConfig): what it adds, and that it keeps what the app's config already has,
 * whatever form it takes (an object or a config function; rewrites as an array or in phases).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NextConfig } from 'next';
import { withCloudTasks } from 'next-cloud-tasks/config';

const appDir = mkdtempSync(join(tmpdir(), 'with-cloud-tasks-'));
writeFileSync(join(appDir, 'queue.yaml'), 'queue:\n- name: default\n  rate: 5/s\n');
const OURS = [
  { source: '/_ah/queue/deferred_:suffix', destination: '/_ah/queue/deferred/:suffix' },
  { source: '/_ah/queue/deferred_:suffix/:rest*', destination: '/_ah/queue/deferred/:suffix/:rest*' },
];
const rewritesOf = async (config: NextConfig) => config.rewrites!();

test('an empty config gets the task URLs, the external clients, its traced protos and the queue.yaml it was built with', async () => {
  const config = withCloudTasks({}, { dir: appDir });
  expect(await rewritesOf(config)).toEqual(OURS);
  // Both Google clients load files at run time (protos; node-fetch for storage): Turbopack must leave them to Node.
  expect(config.serverExternalPackages).toEqual(['@google-cloud/tasks', '@google-cloud/storage']);
  const traced = config.outputFileTracingIncludes!['/**'];
  expect(traced).toEqual(expect.arrayContaining(['./queue.yaml']));
  expect(traced.some((glob) => /@google-cloud\/tasks\/build\/\*\*\/\*\.json$/.test(glob))).toBe(true);
  expect(config.env).toEqual({ NEXT_CLOUD_TASKS_BUILT_QUEUE_YAML: './queue.yaml' });
});

test("the app's own settings are kept: its rewrites after ours, its external packages, traced files and env", async () => {
  const theirs = { source: '/old', destination: '/new' };
  const config = withCloudTasks(
    {
      reactStrictMode: true,
      serverExternalPackages: ['sharp', '@google-cloud/tasks'],
      outputFileTracingIncludes: { '/**': ['./data/**'], '/api/x': ['./x.json'] },
      env: { MINE: '1' },
      rewrites: async () => [theirs],
    },
    { dir: appDir },
  );
  expect(config.reactStrictMode).toBe(true);
  expect(await rewritesOf(config)).toEqual([...OURS, theirs]);
  expect(config.serverExternalPackages).toEqual(['sharp', '@google-cloud/tasks', '@google-cloud/storage']);
  expect(config.outputFileTracingIncludes!['/api/x']).toEqual(['./x.json']);
  expect(config.outputFileTracingIncludes!['/**']).toEqual(expect.arrayContaining(['./data/**', './queue.yaml']));
  expect(config.env).toMatchObject({ MINE: '1', NEXT_CLOUD_TASKS_BUILT_QUEUE_YAML: './queue.yaml' });
});

test('rewrites in phases: ours go first in afterFiles, beforeFiles and fallback are untouched', async () => {
  const phases = { beforeFiles: [{ source: '/a', destination: '/b' }], afterFiles: [{ source: '/c', destination: '/d' }], fallback: [] };
  const config = withCloudTasks({ rewrites: async () => phases }, { dir: appDir });
  expect(await rewritesOf(config)).toEqual({ ...phases, afterFiles: [...OURS, { source: '/c', destination: '/d' }] });
});

test('a config function is wrapped: the result of the function gets the same additions', async () => {
  const wrapped = withCloudTasks(async (phase: string) => ({ basePath: phase === 'phase-production-build' ? '' : '/dev' }), {
    dir: appDir,
  });
  const config = await wrapped('phase-development-server', { defaultConfig: {} });
  expect(config.basePath).toBe('/dev');
  expect(await rewritesOf(config)).toEqual(OURS);
});

test('an app without queue.yaml: nothing to trace for it, and the build records that it had none', () => {
  const bare = mkdtempSync(join(tmpdir(), 'with-cloud-tasks-bare-'));
  const config = withCloudTasks({}, { dir: bare });
  expect(config.outputFileTracingIncludes!['/**'].some((glob) => glob.endsWith('queue.yaml'))).toBe(false);
  expect(config.env).toEqual({ NEXT_CLOUD_TASKS_BUILT_QUEUE_YAML: '' });
});
