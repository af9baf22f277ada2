/**
 * `next-cloud-tasks init --dockerfile`: a Dockerfile for Cloud Run that builds the app's standalone
 * output with the app's own package manager (npm, pnpm or yarn, from its lockfile), runs
 * `node server.js` as a non-root user on `$PORT`, and ships only what the server traces
 * (withCloudTasks() adds the Cloud Tasks client's protos and queue.yaml). Also a .dockerignore, and
 * `output: 'standalone'` in next.config.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackageManager } from '../runtime/package-runner.js';
import { addIgnoreLines, setStandaloneOutput } from './init-edits.js';
import type { AppLayout } from './init-layout.js';
import { editStep, firstExisting, wholeFileStep, writeNew, type InitStep } from './init-steps.js';
import { NEXT_CONFIG_FILES } from './init-templates.js';

type Env = Record<string, string | undefined>;

/** How the image installs the app's dependencies. */
interface InstallRecipe {
  /** The files the install reads (optional ones with a `*`, which Docker's COPY may match to nothing). */
  files: string[];
  /** Installs the package manager itself (npm comes with Node). */
  setup?: string;
  /** Installs exactly the lockfile's dependencies. */
  install: string;
}

/** The package manager's version the app uses: package.json's `packageManager`, else the one running init. */
function managerVersion(dir: string, manager: PackageManager, env: Env): string | undefined {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { packageManager?: string };
  const declared = new RegExp(`^${manager}@(\\d[^+\\s]*)`).exec(pkg.packageManager ?? '')?.[1];
  return declared ?? new RegExp(`^${manager}/(\\d\\S*)`).exec(env.npm_config_user_agent ?? '')?.[1];
}

/** Yarn 2+ ("berry") writes a YAML lockfile with `__metadata`; Yarn 1 a file headed "yarn lockfile v1". */
const isYarnBerry = (dir: string) =>
  existsSync(join(dir, '.yarnrc.yml')) || /^__metadata:/m.test(readFileSync(join(dir, 'yarn.lock'), 'utf8'));

export function installRecipe(dir: string, manager: PackageManager, env: Env = process.env): InstallRecipe {
  const version = managerVersion(dir, manager, env);
  if (manager === 'pnpm') {
    return {
      files: ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml*', '.npmrc*'],
      setup: `npm install --global --no-audit --no-fund pnpm@${version ?? '10'}`,
      install: 'pnpm install --frozen-lockfile',
    };
  }
  if (manager === 'yarn' && isYarnBerry(dir)) {
    return {
      files: ['package.json', 'yarn.lock', '.yarnrc.yml*', '.yarn*'],
      // Yarn 2+ is published on npm as @yarnpkg/cli-dist (corepack would fetch it from yarnpkg.com).
      setup: `npm install --global --no-audit --no-fund @yarnpkg/cli-dist@${version ?? '4'}`,
      install: 'yarn install --immutable',
    };
  }
  if (manager === 'yarn') {
    return { files: ['package.json', 'yarn.lock', '.npmrc*'], setup: undefined, install: 'yarn install --frozen-lockfile' };
  }
  return { files: ['package.json', 'package-lock.json*', 'npm-shrinkwrap.json*', '.npmrc*'], install: 'npm ci --no-audit --no-fund' };
}

/** The Dockerfile, for the app in `layout` (its package manager, and whether it has a public/ folder). */
export function dockerfile(layout: AppLayout, env: Env = process.env): string {
  const recipe = installRecipe(layout.dir, layout.runner.manager, env);
  const publicDir = existsSync(join(layout.dir, 'public'));
  return `# syntax=docker/dockerfile:1
# The app's image for Cloud Run: Next's standalone output on Node 22, run as a non-root user.
# Written by \`next-cloud-tasks init --dockerfile\` (${layout.runner.manager}); next.config has output: 'standalone'.
# Build: docker build -t REGION-docker.pkg.dev/PROJECT/REPO/app .
# Deploy: node_modules/next-cloud-tasks/docs/deploy-cloud-run.md

ARG NODE_IMAGE=node:22-bookworm-slim

# 1. Dependencies, from the lockfile only: this layer is rebuilt only when they change.
FROM \${NODE_IMAGE} AS deps
WORKDIR /app
COPY ${recipe.files.join(' ')} ./
${recipe.setup ? `RUN ${recipe.setup}\n` : ''}RUN ${recipe.install}

# 2. The build: .next/standalone holds server.js and only the node_modules files the server
#    traces; withCloudTasks() adds the Cloud Tasks client's JSON protos and queue.yaml to them.
FROM \${NODE_IMAGE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN node node_modules/next/dist/bin/next build

# 3. The server: no package manager's cache, no sources, no dev dependencies. Files are owned by
#    root and the server runs as \`node\` (uid 1000 in the base image): it cannot rewrite its code.
FROM \${NODE_IMAGE} AS run
WORKDIR /app
# HOSTNAME: server.js binds to it (Docker sets it to the container's id). Cloud Run sets PORT.
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOSTNAME=0.0.0.0 PORT=8080
COPY --from=build /app/.next/standalone ./
COPY --from=build /app/.next/static ./.next/static
${publicDir ? 'COPY --from=build /app/public ./public\n' : ''}# Next's fetch and image caches: the only folder the server writes.
RUN mkdir -p .next/cache && chown node:node .next/cache
USER node
EXPOSE 8080
# The exec form: node is PID 1 and gets Cloud Run's SIGTERM (registerDeferred() drains tasks).
CMD ["node", "server.js"]
`;
}

/** What the image's build context leaves out: the host's installs and builds, local state, secrets. */
export const DOCKERIGNORE_LINES = [
  'node_modules',
  '.next',
  '.git',
  '.cloud-tasks-emulator',
  '.env*.local',
  'npm-debug.log*',
  'Dockerfile',
  '.dockerignore',
];

/** init's steps for --dockerfile: the Dockerfile, .dockerignore, and next.config's standalone output. */
export function dockerSteps(layout: AppLayout): InitStep[] {
  const steps = [
    wholeFileStep(layout, 'Dockerfile', dockerfile(layout), `the Cloud Run image (${layout.runner.manager}, standalone output)`),
  ];
  const ignore = '.dockerignore';
  const addIgnores = (text: string) => addIgnoreLines(text, DOCKERIGNORE_LINES, 'next-cloud-tasks: not in the image build context');
  if (!existsSync(join(layout.dir, ignore))) {
    writeNew(join(layout.dir, ignore), (addIgnores('') as { text: string }).text);
    steps.push({ file: ignore, action: 'created', what: "keeps the host's node_modules and .next out of the image" });
  } else {
    steps.push(editStep(layout, ignore, addIgnores, "keeps the host's node_modules and .next out of the image", ''));
  }
  const config = firstExisting(layout.dir, NEXT_CONFIG_FILES);
  if (config) {
    const manual = "Set `output: 'standalone'` in the config it exports: the Dockerfile ships .next/standalone.";
    steps.push(editStep(layout, config, setStandaloneOutput, "output: 'standalone', which the Dockerfile ships", manual));
  }
  return steps;
}
