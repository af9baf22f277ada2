/** An app as create-next-app leaves it, written into a test's temp folder, for init's tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const CNA_TSCONFIG = JSON.stringify(
  { compilerOptions: { target: 'ES2017', strict: true, paths: { '@/*': ['./*'] } }, include: ['**/*.ts'] },
  null,
  2,
);
export const CNA_NEXT_CONFIG =
  'import type { NextConfig } from "next";\n\nconst nextConfig: NextConfig = {\n  /* config options here */\n  cacheComponents: true,\n};\n\nexport default nextConfig;\n';

/** The app (TypeScript, app/, `@/*` alias) in `dir`, plus or minus `files` (null removes one). */
export function writeCnaApp(dir: string, files: Record<string, string | null> = {}): void {
  const all: Record<string, string | null> = {
    'package.json': JSON.stringify({
      name: 'app',
      private: true,
      dependencies: { next: '16.4.6', react: '19.3.1', 'next-cloud-tasks': '^0.1.0' },
    }),
    'tsconfig.json': CNA_TSCONFIG,
    'next.config.ts': CNA_NEXT_CONFIG,
    '.gitignore': '/node_modules\n/.next/\n',
    'app/page.tsx': 'export default function Home() {\n  return <main>Hello</main>;\n}\n',
    ...files,
  };
  for (const [file, text] of Object.entries(all)) {
    if (text === null) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
}
