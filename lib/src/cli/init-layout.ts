/**
 * Where things go in the app `next-cloud-tasks init` runs in: the App Router folder (`app/` or
 * `src/app/`, as Next picks it), TypeScript or JavaScript, the import alias its tsconfig or
 * jsconfig defines, and the Next.js version installed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, posix } from 'node:path';
import { detectPackageRunner, type PackageRunner } from '../runtime/package-runner.js';

export class InitError extends Error {
  override name = 'InitError';
}

export interface AppLayout {
  /** The app's folder (package.json, next.config). */
  dir: string;
  /** The App Router folder, relative to `dir`: 'app' or 'src/app'. */
  appDir: string;
  /** Where instrumentation goes, relative to `dir`: '' or 'src'. */
  srcDir: string;
  typescript: boolean;
  /** Extension of the files init writes: 'ts' or 'js'. */
  ext: 'ts' | 'js';
  /** The installed Next.js version, when it is installed. */
  nextVersion?: string;
  /** Whether package.json lists next-cloud-tasks. */
  hasPackage: boolean;
  /** The app's package manager (its lockfile), for the commands init prints. */
  runner: PackageRunner;
  /** How a file of the app (path relative to `dir`, without extension) is imported from `fromFile` (relative to `dir`). */
  importPath(target: string, fromFile: string): string;
}

/** The `@/*`-style alias of tsconfig.json / jsconfig.json: its prefix and the folder it maps to (relative to `dir`). */
export function readImportAlias(configText: string): { prefix: string; base: string } | undefined {
  const match = /"([^"*]+)\*"\s*:\s*\[\s*"(?:\.\/)?([^"*]*)\*"/.exec(configText);
  if (!match) return undefined;
  return { prefix: match[1], base: match[2].replace(/\/$/, '') };
}

/** Reads the app's layout; throws InitError when `dir` is not a Next.js 16 app with the App Router. */
export function detectAppLayout(dir: string): AppLayout {
  const packageFile = join(dir, 'package.json');
  if (!existsSync(packageFile)) throw new InitError(`No package.json in ${dir}: run init in your Next.js app's folder (or pass --dir).`);
  type PackageJson = { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const pkg = JSON.parse(readFileSync(packageFile, 'utf8')) as PackageJson;
  const deps = { ...pkg.devDependencies, ...pkg.dependencies };
  if (!deps.next) {
    throw new InitError(`${packageFile} does not list next: init needs a Next.js 16 app (npx create-next-app@latest makes one)`);
  }
  let nextVersion: string | undefined;
  try {
    const nextPackage = createRequire(packageFile).resolve('next/package.json');
    nextVersion = (JSON.parse(readFileSync(nextPackage, 'utf8')) as { version: string }).version;
  } catch {
    nextVersion = undefined; // not installed yet: the range in package.json is all there is
  }
  const major = Number((nextVersion ?? deps.next.replace(/^[^\d]*/, '')).split('.')[0]);
  if (Number.isFinite(major) && major > 0 && major < 16) {
    const found = nextVersion ?? deps.next;
    throw new InitError(`This app has Next.js ${found}; next-cloud-tasks needs Next.js 16 or newer (npx @next/codemod upgrade latest).`);
  }
  // Next uses app/ at the top when both exist (src/app is then ignored).
  const appDir = existsSync(join(dir, 'app')) ? 'app' : existsSync(join(dir, 'src', 'app')) ? 'src/app' : undefined;
  if (!appDir) {
    throw new InitError(`No app/ or src/app/ folder in ${dir}: the task route needs the App Router (https://nextjs.org/docs/app).`);
  }
  const typescript = existsSync(join(dir, 'tsconfig.json'));
  const configFile = join(dir, typescript ? 'tsconfig.json' : 'jsconfig.json');
  const alias = existsSync(configFile) ? readImportAlias(readFileSync(configFile, 'utf8')) : undefined;
  return {
    dir,
    appDir,
    srcDir: appDir === 'src/app' ? 'src' : '',
    typescript,
    ext: typescript ? 'ts' : 'js',
    nextVersion,
    hasPackage: Boolean(deps['next-cloud-tasks']),
    runner: detectPackageRunner(dir),
    importPath(target, fromFile) {
      const underAlias = alias && (alias.base === '' || target.startsWith(`${alias.base}/`));
      if (underAlias) return alias.prefix + (alias.base === '' ? target : target.slice(alias.base.length + 1));
      const path = posix.relative(posix.dirname(fromFile), target);
      return path.startsWith('.') ? path : `./${path}`;
    },
  };
}
