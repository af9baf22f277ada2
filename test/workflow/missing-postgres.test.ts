/**
 * The stand-in a build without `@workflow/world-postgres` loads in its place: loading it throws a
 * WorkflowStorageError that names the setting, the install command of the app's package manager
 * (from the lockfile where the server runs) and the rebuild it takes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Loads the stand-in afresh, with the server in `appDir`: what it throws, and the error class of the same module instance. */
function loadStandIn(appDir: string): { thrown: unknown; ErrorClass: new (...args: never[]) => Error } {
  const cwd = jest.spyOn(process, 'cwd').mockReturnValue(appDir);
  try {
    let thrown: unknown;
    let ErrorClass: new (...args: never[]) => Error = Error;
    jest.isolateModules(() => {
      ErrorClass = (require('@/lib/src/workflow/storage-error') as typeof import('@/lib/src/workflow/storage-error')).WorkflowStorageError;
      try {
        require('@/lib/src/workflow/missing-postgres');
      } catch (error) {
        thrown = error;
      }
    });
    return { thrown, ErrorClass };
  } finally {
    cwd.mockRestore();
  }
}

const appWith = (lockfile: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'missing-postgres-'));
  writeFileSync(join(dir, lockfile), '');
  return dir;
};

test.each([
  ['package-lock.json', 'npm install @workflow/world-postgres'],
  ['pnpm-lock.yaml', 'pnpm add @workflow/world-postgres'],
  ['yarn.lock', 'yarn add @workflow/world-postgres'],
])('with a %s, loading it throws the install command %s', (lockfile, command) => {
  const { thrown, ErrorClass } = loadStandIn(appWith(lockfile));
  expect(thrown).toBeInstanceOf(ErrorClass);
  expect((thrown as Error).name).toBe('WorkflowStorageError');
  expect((thrown as Error).message).toBe(
    `WORKFLOW_POSTGRES_URL (runs kept in Postgres) needs the package @workflow/world-postgres, which is not installed: ${command} (it must match your workflow version), then build the app again`,
  );
});
