/**
 * The app's package manager, so that every command a message names is one the user can paste:
 * `npx next-cloud-tasks dev` in an npm app, `pnpm exec next-cloud-tasks dev` in a pnpm app,
 * `yarn next-cloud-tasks dev` in a yarn app.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

type Env = Record<string, string | undefined>;

export type PackageManager = 'npm' | 'pnpm' | 'yarn';

export interface PackageRunner {
  manager: PackageManager;
  /** The prefix that runs an installed package's bin: `npx`, `pnpm exec`, `yarn`. */
  exec: string;
  /** The command that adds a dependency: `npm install`, `pnpm add`, `yarn add`. */
  add: string;
  /** The command that runs a package.json script: `npm run`, `pnpm`, `yarn`. */
  run: string;
}

const RUNNERS: Record<PackageManager, PackageRunner> = {
  npm: { manager: 'npm', exec: 'npx', add: 'npm install', run: 'npm run' },
  pnpm: { manager: 'pnpm', exec: 'pnpm exec', add: 'pnpm add', run: 'pnpm' },
  yarn: { manager: 'yarn', exec: 'yarn', add: 'yarn add', run: 'yarn' },
};

/** Each manager's lockfile, in the order a folder holding several is read. */
const LOCKFILES: readonly [string, PackageManager][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

/** The manager whose lockfile is nearest `dir` (in it or a parent: a monorepo keeps one at its root). */
function managerFromLockfile(dir: string): PackageManager | undefined {
  for (let at = resolve(dir); ; at = dirname(at)) {
    const found = LOCKFILES.find(([file]) => existsSync(join(at, file)));
    if (found) return found[1];
    if (dirname(at) === at) return undefined;
  }
}

/** The manager that launched this process (`pnpm/10.4.1 npm/? node/v22...`), from the variable every manager sets for scripts and bins. */
function managerFromUserAgent(env: Env): PackageManager | undefined {
  const name = /^(npm|pnpm|yarn)\//.exec(env.npm_config_user_agent ?? '')?.[1];
  return name as PackageManager | undefined;
}

/**
 * The app's package runner: from its lockfile (the app's own choice), else from the manager that
 * launched this process, else npm's.
 */
export function detectPackageRunner(dir: string = process.cwd(), env: Env = process.env): PackageRunner {
  return RUNNERS[managerFromLockfile(dir) ?? managerFromUserAgent(env) ?? 'npm'];
}

/** `<runner> next-cloud-tasks <command>`, as the user types it in this app. */
export const binCommand = (runner: PackageRunner, command: string): string => `${runner.exec} next-cloud-tasks ${command}`;
