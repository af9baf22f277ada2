import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { ENV, envText } from '../contract/env.js';
import { ProblemCollector, scalarValue } from '../queues/problems.js';
import { parseYamlText, readYamlFile } from '../queues/yaml-file.js';
import { CronYamlError } from './errors.js';
import type { CronFile, CronJobDefinition, SourcePosition } from './types.js';
import { validateCronEntry } from './validate.js';

export const CRON_TOP_LEVEL_KEYS = ['cron', 'application'] as const;

/**
 * Parses and validates cron.yaml text with App Engine's rules. Returns the jobs (schedules
 * translated to unix-cron) and the warnings; throws a CronYamlError listing every error, each at
 * its line and column.
 */
export function parseCronYaml(text: string, file = 'cron.yaml'): CronFile {
  const { root, problems } = parseYamlText(text, file, CronYamlError);
  const jobs = validateDocument(root, problems);
  if (problems.errorCount > 0) throw new CronYamlError(file, problems.problems);
  return { file, jobs, warnings: problems.problems.filter((p) => p.severity === 'warning') };
}

/** Reads cron.yaml from disk and parses it; a missing file is an error naming it. */
export function loadCronYaml(path: string): CronFile {
  return parseCronYaml(readYamlFile(path, CronYamlError), path);
}

/** Path of cron.yaml: DEFERRED_CRON_YAML, else cron.yaml in the working directory. */
export function cronYamlPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return resolve(/* turbopackIgnore: true */ process.cwd(), envText(env, ENV.cronYaml) ?? 'cron.yaml');
}

/** The app's cron.yaml, or no jobs when there is none (a named DEFERRED_CRON_YAML must exist). */
export function loadProjectCronYaml(env: Readonly<Record<string, string | undefined>> = process.env): CronFile {
  const path = cronYamlPath(env);
  if (!existsSync(path) && !envText(env, ENV.cronYaml)) return { file: `${path} (absent: no cron jobs)`, jobs: [], warnings: [] };
  return loadCronYaml(path);
}

function validateDocument(root: Node | null, problems: ProblemCollector): CronJobDefinition[] {
  // App Engine accepts an empty file (CronInfoExternal's `cron` is optional): no jobs.
  if (root == null || (isScalar(root) && root.value == null)) return [];
  if (!isMap(root)) {
    problems.error(root, undefined, 'cron.yaml must be a mapping with a "cron:" list at the top level');
    return [];
  }
  let list: Node | null = null;
  for (const pair of root.items as Pair<Node, Node>[]) {
    const key = String(scalarValue(pair.key));
    if (key === 'cron') list = pair.value ?? null;
    else if (key === 'application')
      problems.warning(pair.key, key, 'application is ignored: the project comes from --project or GOOGLE_CLOUD_PROJECT');
    else problems.error(pair.key, key, `Unknown top-level key "${key}"; allowed keys: ${CRON_TOP_LEVEL_KEYS.join(', ')}`);
  }
  if (list == null || (isScalar(list) && list.value == null)) return [];
  if (!isSeq(list)) {
    problems.error(list, 'cron', '"cron" must be a list of jobs, each starting with "- description: ..."');
    return [];
  }
  const jobs: CronJobDefinition[] = [];
  const seen = new Map<string, SourcePosition>();
  for (const item of list.items as Node[]) {
    const job = validateCronEntry(item, problems);
    if (!job) continue;
    const first = seen.get(job.id);
    const descriptionNode = isMap(item)
      ? (item.items as Pair<Node, Node>[]).find((p) => scalarValue(p.key) === 'description')?.value
      : undefined;
    if (first) {
      problems.error(
        descriptionNode ?? item,
        'description',
        `Duplicate cron job "${job.id}": the job at ${first.file}:${first.line}:${first.column} has the same id (ids come from descriptions, ignoring case and punctuation): give the two jobs different descriptions`,
      );
      continue;
    }
    seen.set(job.id, job.position);
    if (!job.description) {
      problems.warning(
        item,
        'description',
        `cron job without a description is named "${job.id}" after its ${job.target.kind} and schedule: changing either renames the job in Cloud Scheduler (a new job, the old one reported as not in the file). Add a description to give it a stable name.`,
      );
    }
    jobs.push(job);
  }
  return jobs;
}
