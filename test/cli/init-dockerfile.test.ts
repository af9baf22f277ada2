/**
 * `next-cloud-tasks init --dockerfile`: a Dockerfile that installs with the app's own package
 * manager (its lockfile, its pinned version), builds the standalone output and runs it as a
 * non-root user; a .dockerignore; next.config's `output: 'standalone'`. Idempotent, and a
 * Dockerfile of the user's own is never overwritten. The recipe itself runs without Docker in
 * test/fresh-app/package-managers.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatInitReport, initApp, leftToDo } from '@/lib/src/cli/init';
import { dockerfile } from '@/lib/src/cli/init-dockerfile';
import { detectAppLayout } from '@/lib/src/cli/init-layout';
import { ROOT } from '../helpers/next-server';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'init-docker-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const CNA_NEXT_CONFIG =
  'import type { NextConfig } from "next";\n\nconst nextConfig: NextConfig = {\n  /* config options here */\n  cacheComponents: true,\n};\n\nexport default nextConfig;\n';

function makeApp(files: Record<string, string>, packageJson: Record<string, unknown> = {}) {
  const all = {
    'package.json': JSON.stringify({ name: 'app', dependencies: { next: '16.4.6', 'next-cloud-tasks': '0.1.0' }, ...packageJson }),
    'tsconfig.json': '{}',
    'next.config.ts': CNA_NEXT_CONFIG,
    'app/page.tsx': 'export default function Home() { return null; }\n',
    ...files,
  };
  for (const [file, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
}
const read = (file: string) => readFileSync(join(dir, file), 'utf8');
const runLines = (dockerfile: string) => dockerfile.split('\n').filter((line) => /^(RUN|COPY|USER|CMD|ENV) /.test(line));

test('an npm app: npm ci from the lockfile, the standalone output run as `node`, public/ shipped', () => {
  makeApp({ 'package-lock.json': '{}', 'public/robots.txt': '' });
  const result = initApp(dir, { dockerfile: true });
  expect(result.steps.filter((s) => ['Dockerfile', '.dockerignore'].includes(s.file)).map((s) => s.action)).toEqual(['created', 'created']);
  expect(leftToDo(result)).toBe(false);
  expect(runLines(read('Dockerfile'))).toEqual([
    'COPY package.json package-lock.json* npm-shrinkwrap.json* .npmrc* ./',
    'RUN npm ci --no-audit --no-fund',
    'ENV NEXT_TELEMETRY_DISABLED=1',
    'COPY --from=deps /app/node_modules ./node_modules',
    'COPY . .',
    'RUN node node_modules/next/dist/bin/next build',
    'ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOSTNAME=0.0.0.0 PORT=8080',
    'COPY --from=build /app/.next/standalone ./',
    'COPY --from=build /app/.next/static ./.next/static',
    'COPY --from=build /app/public ./public',
    'RUN mkdir -p .next/cache && chown node:node .next/cache',
    'USER node',
    'CMD ["node", "server.js"]',
  ]);
  expect(read('.dockerignore').split('\n')).toEqual(expect.arrayContaining(['node_modules', '.next', '.cloud-tasks-emulator']));
  expect(read('next.config.ts')).toContain('const nextConfig: NextConfig = {\n  output: "standalone",\n  /* config options here */');
  expect(read('next.config.ts')).toContain('export default withCloudTasks(nextConfig);');
  expect(formatInitReport(result)).toMatch(/created +Dockerfile +the Cloud Run image \(npm, standalone output\)/);
});

test('a pnpm app: pnpm at the version package.json pins, installed with npm; its frozen lockfile; no public/ to copy', () => {
  makeApp({ 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" }, { packageManager: 'pnpm@12.25.1+sha512.abc' });
  initApp(dir, { dockerfile: true });
  const lines = runLines(read('Dockerfile'));
  expect(lines.slice(0, 3)).toEqual([
    'COPY package.json pnpm-lock.yaml pnpm-workspace.yaml* .npmrc* ./',
    'RUN npm install --global --no-audit --no-fund pnpm@12.25.1',
    'RUN pnpm install --frozen-lockfile',
  ]);
  expect(lines).not.toContain('COPY --from=build /app/public ./public');
});

test.each([
  [
    'Yarn 2+ (.yarnrc.yml)',
    { '.yarnrc.yml': 'nodeLinker: node-modules\n', 'yarn.lock': '__metadata:\n  version: 8\n' },
    'yarn/4.18.1 npm/? node/v22',
    [
      'COPY package.json yarn.lock .yarnrc.yml* .yarn* ./',
      'RUN npm install --global --no-audit --no-fund @yarnpkg/cli-dist@4.18.1',
      'RUN yarn install --immutable',
    ],
  ],
  ['Yarn 1', { 'yarn.lock': '# yarn lockfile v1\n' }, '', ['COPY package.json yarn.lock .npmrc* ./', 'RUN yarn install --frozen-lockfile']],
])('%s: its install command', (_, files, userAgent, expected) => {
  makeApp(files);
  const before = process.env.npm_config_user_agent;
  process.env.npm_config_user_agent = userAgent;
  try {
    initApp(dir, { dockerfile: true });
  } finally {
    process.env.npm_config_user_agent = before;
  }
  const lines = runLines(read('Dockerfile'));
  expect(lines.slice(0, expected.length)).toEqual(expected);
});

test('a second run changes nothing; a Dockerfile of their own is kept, and init says what it would write', () => {
  makeApp({ 'package-lock.json': '{}' });
  initApp(dir, { dockerfile: true });
  const second = initApp(dir, { dockerfile: true });
  expect(new Set(second.steps.map((s) => s.action))).toEqual(new Set(['unchanged']));

  writeFileSync(join(dir, 'Dockerfile'), 'FROM node:22\n');
  const third = initApp(dir, { dockerfile: true });
  expect(third.steps.find((s) => s.file === 'Dockerfile')).toMatchObject({
    action: 'skipped',
    manual: expect.stringContaining('USER node'),
  });
  expect(read('Dockerfile')).toBe('FROM node:22\n');
  expect(leftToDo(third)).toBe(true);
});

test('without --dockerfile, none of it', () => {
  makeApp({ 'package-lock.json': '{}' });
  const result = initApp(dir);
  expect(result.steps.map((s) => s.file)).not.toContain('Dockerfile');
  expect(read('next.config.ts')).not.toContain('standalone');
});

test('the deploy guide shows the Dockerfile init writes for an npm app with public/, whole', () => {
  makeApp({ 'package-lock.json': '{}', 'public/robots.txt': '' });
  const guide = readFileSync(join(ROOT, 'lib/docs/deploy-cloud-run.md'), 'utf8');
  const shown = /^```dockerfile\n([\s\S]*?)^```$/m.exec(guide)?.[1];
  expect(shown).toBe(dockerfile(detectAppLayout(dir), {}));
});
