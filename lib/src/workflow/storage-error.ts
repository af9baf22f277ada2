/**
 * The error of a workflow storage that cannot open, and its most common cause: a storage package
 * the app has not installed. Shared by the storage backends and by the stand-in module that a
 * build without `@workflow/world-postgres` loads in its place (missing-postgres.ts).
 */
import { DeferredError } from '../contract/errors.js';
import { detectPackageRunner } from '../runtime/package-runner.js';

/** A storage package the app has not installed, or a database that is not ready. */
export class WorkflowStorageError extends DeferredError {
  override name = 'WorkflowStorageError';
}

/** The production storage: its package, and the setting that chooses it, as its errors name them. */
export const POSTGRES_STORAGE = { name: '@workflow/world-postgres', why: 'WORKFLOW_POSTGRES_URL (runs kept in Postgres)' } as const;

/**
 * `why` (the setting that chose the storage) needs package `name`: the error names the command
 * that installs it in this app (`npm install`, `pnpm add`, `yarn add`, from its lockfile).
 */
export function missingStoragePackage(
  name: string,
  why: string,
  options: { rebuild?: boolean; cause?: unknown } = {},
): WorkflowStorageError {
  const install = `${detectPackageRunner(process.cwd()).add} ${name}`;
  const then = options.rebuild ? ', then build the app again' : '';
  return new WorkflowStorageError(
    `${why} needs the package ${name}, which is not installed: ${install} (it must match your workflow version)${then}`,
    {
      cause: options.cause,
    },
  );
}
