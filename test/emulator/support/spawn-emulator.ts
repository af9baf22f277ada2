/**
 * Runs the built `next-cloud-tasks emulator` as a child process (plain node, so the pid is the emulator
 * itself and a SIGKILL really kills it) and resolves with its URL once it listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface SpawnedEmulator {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for the exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '../../..');

export function spawnEmulator(args: string[], timeoutMs = 20_000): Promise<SpawnedEmulator> {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/.bin/next-cloud-tasks'), 'emulator', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the emulator did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      // Keep draining, or a full pipe would block the child.
      child.stdout!.on('data', (more: Buffer) => (output += more.toString()));
      resolve({
        url: match[1],
        port: Number(new URL(match[1]).port),
        child,
        output: () => output,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const force = setTimeout(() => child.kill('SIGKILL'), 5000);
            await exited;
            clearTimeout(force);
          }
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}
