/**
 * The proxy (formerly middleware) check that `init` and `doctor` print: a matcher that catches
 * /_ah/queue/deferred/... keeps tasks from their handler, and the message gives the matcher to merge.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { excludeTaskPaths, findProxyMatcherProblem, matcherCatches, readMatchers } from '@/lib/src/cli/proxy-check';

const NEXT_DEFAULT = '/((?!api|_next/static|_next/image|favicon.ico).*)';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'proxy-check-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeProxy(file: string, source: string) {
  mkdirSync(join(dir, file, '..'), { recursive: true });
  writeFileSync(join(dir, file), source);
}

const proxyWith = (matcher: string) => `import { NextResponse } from 'next/server';
export function proxy() { return NextResponse.redirect(new URL('/login', 'http://x')); }
export const config = {
  matcher: ${matcher},
};
`;

describe('matcherCatches', () => {
  test.each([
    [NEXT_DEFAULT, true],
    ['/((?!_ah/queue/|api|_next/static|_next/image|favicon.ico).*)', false],
    ['/dashboard/:path*', false],
    ['/:path*', true],
    ['/_ah/:rest+', true],
    ['/_ah/queue/:name', false], // one segment only: deferred/<id> is two
    ['/((?!_ah).*)', false],
  ])('%s catches /_ah/queue/deferred/demo.task: %s', (matcher, catches) => {
    expect(matcherCatches(matcher)).toBe(catches);
  });

  test('a matcher that is not a valid pattern catches nothing (rather than throwing)', () => {
    expect(matcherCatches('/((?!api')).toBe(false);
  });
});

describe('readMatchers and excludeTaskPaths', () => {
  test('reads a single string, an array and template literals', () => {
    expect(readMatchers(proxyWith(`'${NEXT_DEFAULT}'`))).toEqual([NEXT_DEFAULT]);
    expect(readMatchers(proxyWith(`["/dashboard/:path*", \`/admin/:path*\`]`))).toEqual(['/dashboard/:path*', '/admin/:path*']);
    expect(readMatchers('export function proxy() {}')).toBeUndefined();
  });

  test('adds _ah/queue/ to a negative lookahead, or gives an exclusion-only matcher', () => {
    expect(excludeTaskPaths(NEXT_DEFAULT)).toBe('/((?!_ah/queue/|api|_next/static|_next/image|favicon.ico).*)');
    expect(excludeTaskPaths('/:path*')).toBe('/((?!_ah/queue/).*)');
    expect(matcherCatches(excludeTaskPaths(NEXT_DEFAULT))).toBe(false);
  });
});

describe('findProxyMatcherProblem', () => {
  test("Next's documented matcher catches task deliveries: names the file and prints the matcher to merge", () => {
    writeProxy('proxy.ts', proxyWith(`'${NEXT_DEFAULT}'`));
    const problem = findProxyMatcherProblem(dir)!;
    expect(problem).toContain("proxy.ts's matcher");
    expect(problem).toContain('/_ah/queue/deferred/');
    expect(problem).toContain('matcher: "/((?!_ah/queue/|api|_next/static|_next/image|favicon.ico).*)"');
  });

  test("a matcher limited to the app's own paths lets tasks through", () => {
    writeProxy('proxy.ts', proxyWith(`'/dashboard/:path*'`));
    expect(findProxyMatcherProblem(dir)).toBeUndefined();
  });

  test('in an array, only the catching matcher is changed', () => {
    writeProxy('src/middleware.ts', proxyWith(`['/dashboard/:path*', '/:path*']`));
    const problem = findProxyMatcherProblem(dir)!;
    expect(problem).toContain('src/middleware.ts');
    expect(problem).toContain('matcher: ["/dashboard/:path*","/((?!_ah/queue/).*)"]');
  });

  test('a proxy with no matcher runs on every request: says so, with a matcher that leaves tasks alone', () => {
    writeProxy('middleware.js', 'export function middleware() {}\n');
    const problem = findProxyMatcherProblem(dir)!;
    expect(problem).toContain('middleware.js has no matcher');
    expect(problem).toContain("matcher: ['/((?!_ah/queue/|_next/static|_next/image|favicon.ico).*)']");
  });

  test('no proxy and no middleware: nothing to say', () => {
    expect(findProxyMatcherProblem(dir)).toBeUndefined();
  });
});
