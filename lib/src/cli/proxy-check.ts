/**
 * Does the app's proxy (Next 16's `proxy.ts`, formerly `middleware.ts`) run on the task URLs?
 * A typical auth proxy answers Cloud Tasks' POST with a redirect to /login: the handler never
 * runs, the app logs nothing, and the task dead-letters after its attempts. `init` and `doctor`
 * say so, with the matcher to use.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A path a task is delivered to, for testing the proxy's matcher. */
export const TASK_PATH = '/_ah/queue/deferred/demo.task';
const PROXY_FILES = ['proxy', 'middleware'].flatMap((name) =>
  ['', 'src/'].flatMap((dir) => ['ts', 'js', 'mjs', 'tsx'].map((ext) => `${dir}${name}.${ext}`)),
);

/** `matcher: ...` in a proxy's config: group 1 is its value, a list or one string. */
export const MATCHER_PROPERTY = /matcher\s*:\s*(\[[\s\S]*?\]|'[^']*'|"[^"]*"|`[^`]*`)/;
/** Each string literal in a matcher's value: its text is group 1, 2 or 3 (by quote). */
export const STRING_LITERAL = /'([^']*)'|"([^"]*)"|`([^`]*)`/g;

/** The matcher strings of `export const config = { matcher: ... }`, or undefined when there is none. */
export function readMatchers(source: string): string[] | undefined {
  const match = MATCHER_PROPERTY.exec(source);
  if (!match) return undefined;
  return [...match[1].matchAll(STRING_LITERAL)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Next's matchers are path-to-regexp patterns; `:name*`, `:name+` and `:name` are what apps use. */
export function matcherCatches(matcher: string, path = TASK_PATH): boolean {
  const pattern = matcher
    .replace(/:[A-Za-z_]\w*\*/g, '.*')
    .replace(/:[A-Za-z_]\w*\+/g, '.+')
    .replace(/:[A-Za-z_]\w*(?![\w(])/g, '[^/]+');
  try {
    return new RegExp(`^${pattern}$`).test(path);
  } catch {
    return false;
  }
}

/** The same matcher with `_ah/queue/` added to its exclusions, when it has a `(?!...)` list. */
export function excludeTaskPaths(matcher: string): string {
  return matcher.includes('(?!') ? matcher.replace('(?!', '(?!_ah/queue/|') : '/((?!_ah/queue/).*)';
}

/** The app's proxy (or middleware) file, relative to `appDir`, when it has one. */
export const findProxyFile = (appDir: string) => PROXY_FILES.find((name) => existsSync(join(appDir, name)));

/** A message naming the proxy file and the matcher to merge, or undefined when tasks get through. */
export function findProxyMatcherProblem(appDir: string): string | undefined {
  const found = findProxyFile(appDir);
  if (!found) return undefined;
  const file = join(appDir, found);
  const name = relative(appDir, file);
  const matchers = readMatchers(readFileSync(file, 'utf8'));
  if (!matchers) {
    return (
      `${name} has no matcher, so it runs on every request, task deliveries to /_ah/queue/deferred/... included. ` +
      `Unless it lets them through untouched, add:\n  export const config = { matcher: ['/((?!_ah/queue/|_next/static|_next/image|favicon.ico).*)'] };`
    );
  }
  const catching = matchers.filter((m) => matcherCatches(m));
  if (!catching.length) return undefined;
  const fixed = matchers.map((m) => (catching.includes(m) ? excludeTaskPaths(m) : m));
  return (
    `${name}'s matcher ${JSON.stringify(catching)} catches task deliveries (${TASK_PATH}): a redirect or 401 there means the task ` +
    `never reaches its handler and dead-letters. Merge this matcher:\n  matcher: ${JSON.stringify(fixed.length === 1 ? fixed[0] : fixed)}`
  );
}
