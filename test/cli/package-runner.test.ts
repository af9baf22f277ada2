/**
 * The commands the adapter's messages name are the app's own: `npx` in an npm app, `pnpm exec` in
 * a pnpm app, `yarn` in a yarn app (its lockfile first, else the manager that launched the
 * process), in init's report, queue.yaml's comment and the start-up check's message.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatInitReport, initApp } from '@/lib/src/cli/init';
import { binCommand, detectPackageRunner } from '@/lib/src/runtime/package-runner';
import { formatStartupProblems } from '@/lib/src/runtime/startup-check';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runner-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const PROBLEM = [{ variable: 'GOOGLE_CLOUD_PROJECT', message: 'GOOGLE_CLOUD_PROJECT is not set' }];

test.each([
  ['pnpm-lock.yaml', 'pnpm exec next-cloud-tasks dev', 'pnpm add'],
  ['yarn.lock', 'yarn next-cloud-tasks dev', 'yarn add'],
  ['package-lock.json', 'npx next-cloud-tasks dev', 'npm install'],
])("an app with %s: '%s'", (lockfile, dev, add) => {
  writeFileSync(join(dir, lockfile), '');
  const runner = detectPackageRunner(dir, { npm_config_user_agent: 'npm/11.0.0 node/v22.23.5 linux x64' });
  expect(binCommand(runner, 'dev')).toBe(dev);
  expect(runner.add).toBe(add);
});

test("a monorepo's lockfile at its root counts for an app in a subfolder", () => {
  writeFileSync(join(dir, 'pnpm-lock.yaml'), '');
  mkdirSync(join(dir, 'apps/web'), { recursive: true });
  expect(detectPackageRunner(join(dir, 'apps/web'), {}).manager).toBe('pnpm');
});

test('no lockfile: the manager that launched the process (npm_config_user_agent), else npm', () => {
  const nested = join(dir, 'no-lockfile-here');
  mkdirSync(nested);
  // tmpdir() has no lockfile above it on this machine; the user agent decides.
  expect(detectPackageRunner(nested, { npm_config_user_agent: 'pnpm/10.34.9 npm/? node/v22.23.5 linux x64' }).exec).toBe('pnpm exec');
  expect(detectPackageRunner(nested, { npm_config_user_agent: 'yarn/4.18.1 npm/? node/v22.23.5 linux x64' }).exec).toBe('yarn');
  expect(detectPackageRunner(nested, {}).exec).toBe('npx');
});

test('the start-up failure says how to run locally (dev / start, with the runner) before the problems; on Cloud Run or beside the emulator it does not', () => {
  const cwd = process.cwd();
  writeFileSync(join(dir, 'pnpm-lock.yaml'), '');
  process.chdir(dir);
  try {
    const local = formatStartupProblems(PROBLEM, {});
    expect(local).toMatch(
      /^The Cloud Tasks adapter is misconfigured \(1 problem\)\. To run it locally, .*`pnpm exec next-cloud-tasks dev` \(next dev\) or `pnpm exec next-cloud-tasks start` \(next start of the build\)\. Otherwise, fix these settings and restart:\n {2}- GOOGLE_CLOUD_PROJECT is not set\n/,
    );
    expect(local).toContain('`pnpm exec next-cloud-tasks doctor` prints what the app sees');
    const deployed = formatStartupProblems(PROBLEM, { K_SERVICE: 'app' });
    expect(deployed).not.toContain('locally');
    expect(deployed).toMatch(/^The Cloud Tasks adapter is misconfigured \(1 problem\); fix these settings/);
    // Already beside the emulator (dev, start): the problem is elsewhere, no hint.
    expect(formatStartupProblems(PROBLEM, { CLOUD_TASKS_EMULATOR_HOST: '127.0.0.1:8123' })).not.toContain('locally');
  } finally {
    process.chdir(cwd);
  }
});

test("init in a pnpm app prints pnpm's commands, and queue.yaml's comment names them", () => {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: { next: '16.4.6', 'next-cloud-tasks': '0.1.0' } }));
  writeFileSync(join(dir, 'pnpm-lock.yaml'), '');
  mkdirSync(join(dir, 'app'));
  const report = formatInitReport(initApp(dir));
  expect(report).toContain('  2. pnpm exec next-cloud-tasks dev');
  expect(report).toContain('pnpm exec next-cloud-tasks start');
  expect(report).not.toContain('npx');
  expect(readFileSync(join(dir, 'queue.yaml'), 'utf8')).toContain('`pnpm exec next-cloud-tasks queues validate`');
});
