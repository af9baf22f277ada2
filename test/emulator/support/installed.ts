/** Tests of Google's own tools (gcloud, gRPC's C-core client) run where the tool is installed, and say so where not. */
import { execFileSync } from 'node:child_process';

/** Whether `command args` runs and exits 0. */
export function runs(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** `describe` when `available`, else `describe.skip` after a warning naming what to install. */
export function describeIfInstalled(available: boolean, file: string, missing: string): typeof describe | typeof describe.skip {
  if (!available) console.warn(`${file} skipped: ${missing}`);
  return available ? describe : describe.skip;
}
