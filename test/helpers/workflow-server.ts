import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorHandle } from 'next-cloud-tasks/emulator';
import { LOCATION, PROJECT, TASKS_EMAIL } from './emulated-app';
import { ROOT } from './next-server';

/** The app the Workflow SDK's own suite starts, serving the workflows of its folder (see the file). */
export const WORKFLOW_SERVER = join(ROOT, 'test/workflow/world-testing/server.mjs');

/**
 * A folder outside the repository holding `src/server.mjs`, the given workflows (`workflows/`)
 * and other files, built by `workflow build` of the installed SDK: the layout
 * @workflow/world-testing's harness expects. Packages resolve from the repository's node_modules.
 */
export function prepareWorkflowServer(workflows: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'nct-workflow-server-'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  mkdirSync(join(dir, 'src'));
  cpSync(WORKFLOW_SERVER, join(dir, 'src/server.mjs'));
  cpSync(workflows, join(dir, 'workflows'), { recursive: true });
  for (const [target, source] of Object.entries(files)) cpSync(source, join(dir, target));
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/workflow/bin/run.js'), 'build'], { cwd: dir, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`workflow build failed:\n${build.stdout}\n${build.stderr}`);
  return dir;
}

export interface WorkflowServer {
  url: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the folder's server with `env` (WORKFLOW_TARGET_WORLD picks the World); resolves once it listens. */
export function startWorkflowServer(dir: string, env: Record<string, string>): Promise<WorkflowServer> {
  const child = spawn(process.execPath, ['src/server.mjs'], {
    cwd: dir,
    env: { ...process.env, ...env, CONTROL_FD: '3' },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  return new Promise((resolve, reject) => {
    let control = '';
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk) => {
      control += chunk;
      const line = control.split('\n')[0];
      if (!control.includes('\n')) return;
      const { info } = JSON.parse(line) as { info: { port: number } };
      resolve({ url: `http://127.0.0.1:${info.port}`, process: child, output: () => output, stop });
    });
    child.once('exit', (code) => reject(new Error(`the workflow server exited (${code}) before listening:\n${output}`)));
  });
}

/**
 * The environment of a workflow server whose World is next-cloud-tasks/workflow on `emulator`,
 * with the project's queue.yaml. DEFERRED_SERVICE_URL: each server sets its own once it listens (server.mjs).
 */
export function worldOnEmulatorEnv(emulator: EmulatorHandle): Record<string, string> {
  return {
    WORKFLOW_TARGET_WORLD: 'next-cloud-tasks/workflow',
    CLOUD_TASKS_EMULATOR_HOST: emulator.hostPort,
    GOOGLE_CLOUD_PROJECT: PROJECT,
    CLOUD_TASKS_LOCATION: LOCATION,
    DEFERRED_SERVICE_ACCOUNT: TASKS_EMAIL,
    DEFERRED_QUEUE_YAML: join(ROOT, 'queue.yaml'),
  };
}
