/**
 * A Dockerfile's recipe run without Docker (there is no Docker engine here): each stage is a
 * folder standing in for its /app, COPY copies between the build context (less .dockerignore's
 * entries) and the stages, RUN runs the very command line with the stage's ENV, and the last
 * stage's CMD is what the caller starts, as USER. What a container would give differently is
 * mapped, never the commands: `npm install --global` goes to a per-stage prefix (the container's
 * global folder), and the base image's `node` user is this machine's `nobody`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { cleanEnv } from './support';

/** The base image's `node` user (uid 1000 there), played by `nobody` on this machine. */
export const IMAGE_USER = { name: 'nobody', uid: 65534, gid: 65534 };

export interface Stage {
  name: string;
  /** The folder that stands in for the stage's /app. */
  dir: string;
  env: Record<string, string>;
  user?: string;
  cmd?: string[];
}

export interface RecipeResult {
  stages: Stage[];
  /** Each RUN with how long it took. */
  runs: { stage: string; command: string; ms: number }[];
}

/** The Dockerfile's instructions, one per entry (comments and blank lines dropped, ARG defaults substituted). */
function instructions(dockerfile: string): [string, string][] {
  const args: Record<string, string> = {};
  const out: [string, string][] = [];
  for (const line of dockerfile.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [, keyword, rest] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (!keyword) throw new Error(`cannot read Dockerfile line: ${line}`);
    const value = rest.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? '');
    if (keyword === 'ARG') {
      const [name, fallback = ''] = value.split('=');
      args[name] = fallback;
    } else out.push([keyword, value]);
  }
  return out;
}

/** .dockerignore's entries (top-level names and `name*` patterns are all these Dockerfiles need). */
function ignored(context: string): (name: string) => boolean {
  const file = join(context, '.dockerignore');
  const patterns = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'))
    : [];
  const matchers = patterns.map((pattern) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));
  return (name) => matchers.some((matcher) => matcher.test(name));
}

/** COPY's sources in `from`: a name, or a `name*` pattern that may match nothing (as in Docker). */
function expandSources(from: string, source: string): string[] {
  if (!source.includes('*')) return [source];
  const pattern = new RegExp(`^${source.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return readdirSync(from).filter((name) => pattern.test(name));
}

function copy(stage: Stage, args: string, context: string, stages: Stage[]): void {
  const parts = args.split(/\s+/);
  const fromStage = /^--from=(\S+)$/.exec(parts[0])?.[1];
  const [destination, ...sourcesReversed] = (fromStage ? parts.slice(1) : parts).reverse();
  const sources = sourcesReversed.reverse();
  const target = join(stage.dir, destination);
  if (fromStage) {
    const other = stages.find((s) => s.name === fromStage);
    if (!other) throw new Error(`COPY --from=${fromStage}: no such stage`);
    for (const source of sources) {
      const path = join(other.dir, source.replace(/^\/app\/?/, ''));
      cpSync(path, target, { recursive: true, verbatimSymlinks: true });
    }
    return;
  }
  const skip = ignored(context);
  for (const source of sources.flatMap((s) => expandSources(context, s))) {
    if (source === '.') {
      for (const name of readdirSync(context).filter((n) => !skip(n))) {
        cpSync(join(context, name), join(target, name), { recursive: true, verbatimSymlinks: true });
      }
    } else cpSync(join(context, source), join(target, basename(source)), { recursive: true, verbatimSymlinks: true });
  }
}

/** A `chown` first on the PATH that reads the image's `node` user as {@link IMAGE_USER}. */
function chownShim(dir: string): string {
  const bin = join(dir, 'image-shims');
  mkdirSync(bin, { recursive: true });
  const uidGid = `${IMAGE_USER.uid}:${IMAGE_USER.gid}`;
  writeFileSync(join(bin, 'chown'), `#!/bin/sh\nexec /bin/chown $(echo "$@" | sed 's/\\bnode:node\\b/${uidGid}/')\n`);
  chmodSync(join(bin, 'chown'), 0o755);
  return bin;
}

/** Runs every stage of `dockerfile` with `context` as the build context, in folders under `work`. */
export function runDockerfileRecipe(dockerfile: string, context: string, work: string, baseEnv: Record<string, string> = {}): RecipeResult {
  const stages: Stage[] = [];
  const runs: RecipeResult['runs'] = [];
  const shims = chownShim(work);
  let stage: Stage | undefined;
  for (const [keyword, value] of instructions(dockerfile)) {
    if (keyword === 'FROM') {
      const name = /\bAS\s+(\S+)$/i.exec(value)?.[1] ?? `stage${stages.length}`;
      stage = { name, dir: join(work, name), env: {} };
      mkdirSync(stage.dir, { recursive: true });
      stages.push(stage);
      continue;
    }
    if (!stage) throw new Error(`${keyword} before FROM`);
    if (keyword === 'WORKDIR' && value !== '/app') throw new Error(`only WORKDIR /app is mapped, not ${value}`);
    if (keyword === 'ENV') for (const [, name, v] of value.matchAll(/(\w+)=(\S+)/g)) stage.env[name] = v;
    if (keyword === 'COPY') copy(stage, value, context, stages);
    if (keyword === 'USER') stage.user = value;
    if (keyword === 'CMD') stage.cmd = JSON.parse(value) as string[];
    if (keyword === 'RUN') {
      const globalPrefix = join(work, `${stage.name}-global`);
      const env = cleanEnv({ ...baseEnv, ...stage.env, npm_config_prefix: globalPrefix });
      env.PATH = [shims, join(globalPrefix, 'bin'), env.PATH].join(delimiter);
      const started = Date.now();
      const result = spawnSync('/bin/sh', ['-c', value], { cwd: stage.dir, env, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
      runs.push({ stage: stage.name, command: value, ms: Date.now() - started });
      if (result.status !== 0)
        throw new Error(`RUN ${value} (stage ${stage.name}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
    }
  }
  return { stages, runs };
}
