/**
 * init's edits of files an app already has, on their text: next.config wrapped with
 * withCloudTasks in each form Next accepts, registerDeferred() merged into register(), .gitignore.
 * The files are parsed (magicast, Babel's parser); the rest of each file stays byte for byte.
 */
import { addGitignoreLines, addRegisterDeferred, setStandaloneOutput, wrapNextConfig, type EditResult } from '@/lib/src/cli/init-edits';
import { findExportedValue, parseSource } from '@/lib/src/cli/source-edits';

const edited = (result: EditResult) => {
  if (result.kind !== 'edited') throw new Error(`expected an edit, got ${JSON.stringify(result)}`);
  return result.text;
};

describe('findExportedValue', () => {
  const exported = (text: string) => {
    const found = findExportedValue(parseSource(text)!);
    if ('reason' in found) throw new Error(found.reason);
    return text.slice(found.expression.start, found.expression.end);
  };

  test.each([
    ['export default nextConfig;\n', 'nextConfig'],
    ['export default nextConfig\n', 'nextConfig'],
    ['export default nextConfig', 'nextConfig'],
    ['export default nextConfig // the config\n', 'nextConfig'],
    ['export default withMDX(nextConfig)\n\nconsole.log(1)\n', 'withMDX(nextConfig)'],
    ['export default {\n  a: ";",\n  b: [1, 2],\n}\n', '{\n  a: ";",\n  b: [1, 2],\n}'],
    ['export default withA(\n  withB(nextConfig),\n);\n', 'withA(\n  withB(nextConfig),\n)'],
    ['export default config\n  .withX()\n', 'config\n  .withX()'],
    ['export default {} satisfies NextConfig;\n', '{} satisfies NextConfig'],
    [
      'export default async function config(phase) {\n  return { a: `${phase};` };\n}\n',
      'async function config(phase) {\n  return { a: `${phase};` };\n}',
    ],
    ['export default {\n  // a comment with a ; and a }\n  a: 1,\n};\n', '{\n  // a comment with a ; and a }\n  a: 1,\n}'],
    ['module.exports = withMDX({\n  a: 1,\n}) // the config\n', 'withMDX({\n  a: 1,\n})'],
  ])('in %j the exported expression is %j', (source, expression) => {
    expect(exported(source)).toBe(expression);
  });

  test('two exports, or none, is not a form to wrap; a file that does not parse is left alone', () => {
    expect(findExportedValue(parseSource('export default a;\nmodule.exports = b;\n')!)).toEqual({ reason: expect.stringContaining('one') });
    expect(findExportedValue(parseSource('const config = {};\nexport { config as default };\n')!)).toEqual({
      reason: expect.stringContaining('export default'),
    });
    expect(parseSource('export default {')).toBeUndefined();
    expect(wrapNextConfig('export default {')).toEqual({ kind: 'manual', reason: expect.stringContaining('does not parse') });
    expect(addRegisterDeferred('export async function register( {')).toEqual({
      kind: 'manual',
      reason: expect.stringContaining('does not parse'),
    });
  });
});

describe('wrapNextConfig', () => {
  test("create-next-app's next.config.ts: the import goes after its imports, the export is wrapped", () => {
    const source =
      'import type { NextConfig } from "next";\n\nconst nextConfig: NextConfig = {\n  /* config options here */\n  cacheComponents: true,\n};\n\nexport default nextConfig;\n';
    expect(edited(wrapNextConfig(source))).toBe(
      'import type { NextConfig } from "next";\nimport { withCloudTasks } from "next-cloud-tasks/config";\n\nconst nextConfig: NextConfig = {\n  /* config options here */\n  cacheComponents: true,\n};\n\nexport default withCloudTasks(nextConfig);\n',
    );
  });

  test('next.config.mjs without imports: the import goes at the top', () => {
    const source =
      "/** @type {import('next').NextConfig} */\nconst nextConfig = {\n  reactStrictMode: true,\n};\n\nexport default nextConfig;\n";
    expect(edited(wrapNextConfig(source))).toBe(
      "import { withCloudTasks } from 'next-cloud-tasks/config';\n/** @type {import('next').NextConfig} */\nconst nextConfig = {\n  reactStrictMode: true,\n};\n\nexport default withCloudTasks(nextConfig);\n",
    );
  });

  test('CommonJS next.config.js: a require after `// @ts-check`, module.exports wrapped', () => {
    const source = "// @ts-check\n\n/** @type {import('next').NextConfig} */\nmodule.exports = {\n  reactStrictMode: true,\n}\n";
    expect(edited(wrapNextConfig(source))).toBe(
      "// @ts-check\nconst { withCloudTasks } = require('next-cloud-tasks/config');\n\n/** @type {import('next').NextConfig} */\nmodule.exports = withCloudTasks({\n  reactStrictMode: true,\n});\n",
    );
  });

  test('CommonJS with other requires and another wrapper: ours goes outside, after the last require', () => {
    const source =
      "const withMDX = require('@next/mdx')();\nconst path = require('node:path');\n\nmodule.exports = withMDX({ distDir: path.join('build') });\n";
    expect(edited(wrapNextConfig(source))).toBe(
      "const withMDX = require('@next/mdx')();\nconst path = require('node:path');\nconst { withCloudTasks } = require('next-cloud-tasks/config');\n\nmodule.exports = withCloudTasks(withMDX({ distDir: path.join('build') }));\n",
    );
  });

  test('a config function is wrapped as it is (withCloudTasks takes functions too)', () => {
    const source =
      "export default async function config(phase) {\n  return { distDir: phase === 'phase-production-build' ? 'build' : '.next' };\n}\n";
    expect(edited(wrapNextConfig(source))).toContain(
      "export default withCloudTasks(async function config(phase) {\n  return { distDir: phase === 'phase-production-build' ? 'build' : '.next' };\n});\n",
    );
  });

  test('text that only looks like an export (a comment, a string) is not taken for one', () => {
    const source = "// module.exports = legacy; see the docs\nconst note = 'export default nothing';\nexport default { env: { note } };\n";
    expect(edited(wrapNextConfig(source))).toBe(
      "// module.exports = legacy; see the docs\nimport { withCloudTasks } from 'next-cloud-tasks/config';\nconst note = 'export default nothing';\nexport default withCloudTasks({ env: { note } });\n",
    );
  });

  test('already wrapped: unchanged; a form it cannot read: left alone, with the reason', () => {
    expect(wrapNextConfig("import { withCloudTasks } from 'next-cloud-tasks/config';\nexport default withCloudTasks({});\n")).toEqual({
      kind: 'unchanged',
    });
    expect(wrapNextConfig('const config = {};\nexport { config as default };\n')).toMatchObject({
      kind: 'manual',
      reason: expect.stringContaining('export default'),
    });
  });
});

describe('addRegisterDeferred', () => {
  test('an async register(): the block goes first in its body, its code stays', () => {
    const source =
      "import * as Sentry from '@sentry/nextjs';\n\nexport async function register() {\n    await import('./sentry.server.config');\n}\n\nexport const onRequestError = Sentry.captureRequestError;\n";
    const text = edited(addRegisterDeferred(source));
    expect(text).toBe(
      "import * as Sentry from '@sentry/nextjs';\n\nexport async function register() {\n" +
        "    // next-cloud-tasks: checks the adapter's configuration at start and answers tasks in flight at SIGTERM.\n" +
        '    // Node.js only: importing inside the check keeps Node-only code out of the Edge bundle.\n' +
        "    if (process.env.NEXT_RUNTIME === 'nodejs') {\n" +
        "      const { registerDeferred } = await import('next-cloud-tasks/next');\n" +
        '      registerDeferred();\n' +
        '    }\n' +
        "    await import('./sentry.server.config');\n}\n\nexport const onRequestError = Sentry.captureRequestError;\n",
    );
    expect(addRegisterDeferred(text)).toEqual({ kind: 'unchanged' });
  });

  test('a plain register() without a return type is made async; double quotes are kept', () => {
    const text = edited(
      addRegisterDeferred('import { registerOTel } from "@vercel/otel";\n\nexport function register() {\n  registerOTel("app");\n}\n'),
    );
    expect(text).toContain('export async function register() {\n  // next-cloud-tasks');
    expect(text).toContain('if (process.env.NEXT_RUNTIME === "nodejs") {');
    expect(text).toContain('await import("next-cloud-tasks/next")');
    expect(text).toContain('  registerOTel("app");\n}\n');
  });

  test('an arrow register, sync or async, and an empty one-line body', () => {
    expect(edited(addRegisterDeferred('export const register = () => {\n  init();\n};\n'))).toMatch(
      /^export const register = async \(\) => \{\n {2}\/\/ next-cloud-tasks/,
    );
    expect(edited(addRegisterDeferred('export const register = async (): Promise<void> => {\n};\n'))).toMatch(
      /^export const register = async \(\): Promise<void> => \{\n {2}\/\/ next-cloud/,
    );
    expect(edited(addRegisterDeferred('export async function register() {}\n'))).toMatch(
      /^export async function register\(\) \{\n {2}\/\/ next-cloud-tasks[\s\S]*\n {2}\}\n\}\n$/,
    );
  });

  test('no register(): one is appended', () => {
    const text = edited(addRegisterDeferred('export function onRequestError() {}\n'));
    expect(text).toMatch(
      /^export function onRequestError\(\) \{\}\n\nexport async function register\(\) \{\n {2}\/\/ next-cloud-tasks[\s\S]*registerDeferred\(\);\n {2}\}\n\}\n$/,
    );
  });

  test('a sync register() with a return type, or one exported another way: left alone, with the reason', () => {
    expect(addRegisterDeferred('export function register(): void {\n  setup();\n}\n')).toEqual({
      kind: 'manual',
      reason: expect.stringContaining('returns void'),
    });
    expect(addRegisterDeferred("export { register } from './instrumentation-node';\n")).toMatchObject({ kind: 'manual' });
  });
});

describe('addGitignoreLines', () => {
  test("appends the emulator's state folder once, with or without slashes already there", () => {
    expect(edited(addGitignoreLines('node_modules\n'))).toBe(
      "node_modules\n\n# next-cloud-tasks: the local emulator's state\n.cloud-tasks-emulator/\n",
    );
    expect(edited(addGitignoreLines('node_modules'))).toBe(
      "node_modules\n\n# next-cloud-tasks: the local emulator's state\n.cloud-tasks-emulator/\n",
    );
    expect(addGitignoreLines('/node_modules\n/.cloud-tasks-emulator\n')).toEqual({ kind: 'unchanged' });
    expect(addGitignoreLines(edited(addGitignoreLines('')))).toEqual({ kind: 'unchanged' });
  });
});

describe('setStandaloneOutput', () => {
  test("create-next-app's config, wrapped by init: output goes first in the object the variable holds", () => {
    const source =
      'import type { NextConfig } from "next";\nimport { withCloudTasks } from "next-cloud-tasks/config";\n\nconst nextConfig: NextConfig = {\n  /* config options here */\n  cacheComponents: true,\n};\n\nexport default withCloudTasks(nextConfig);\n';
    const text = edited(setStandaloneOutput(source));
    expect(text).toBe(source.replace('= {\n', '= {\n  output: "standalone",\n'));
    expect(setStandaloneOutput(text)).toEqual({ kind: 'unchanged' });
  });

  test('an inline object (CommonJS, one line, satisfies), and an empty one', () => {
    expect(edited(setStandaloneOutput('module.exports = withCloudTasks({ reactStrictMode: true });\n'))).toBe(
      "module.exports = withCloudTasks({ output: 'standalone', reactStrictMode: true });\n",
    );
    expect(edited(setStandaloneOutput('export default withCloudTasks({} satisfies NextConfig);\n'))).toBe(
      "export default withCloudTasks({ output: 'standalone' } satisfies NextConfig);\n",
    );
  });

  test('another output, or a config init cannot read (a function): left alone, with the reason', () => {
    expect(setStandaloneOutput("export default { output: 'export' };\n")).toEqual({
      kind: 'manual',
      reason: "its config sets output: 'export'",
    });
    expect(setStandaloneOutput('export default withCloudTasks(async () => ({}));\n')).toMatchObject({
      kind: 'manual',
      reason: expect.stringContaining('not an object literal'),
    });
  });
});
