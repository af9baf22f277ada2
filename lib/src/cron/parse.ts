import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Node } from 'yaml';
import { ENV, envText } from '../contract/env.js';
import type { ProblemCollector } from '../deploy/problems.js';
import { readEntries, type FileShape } from '../deploy/yaml-entries.js';
import { parseYamlFile, readYamlFile } from '../deploy/yaml-file.js';
import { CronYamlError } from './errors.js';
import type { CronFile, CronJobDefinition, SourcePosition } from './types.js';
import { CRON_KEYS, validateCronEntry, type CronKey } from './validate.js';

/**
 * Parses and validates cron.yaml text with App Engine's rules. Returns the jobs (schedules
 * translated to unix-cron) and the warnings; throws a CronYamlError listing every error, each at
 * its line and column.
 */
export function parseCronYaml(text: string, file = 'cron.yaml'): CronFile {
  const { value: jobs, warnings } = parseYamlFile(text, file, CronYamlError, validateDocument);
  return { file, jobs, warnings };
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

const CRON_YAML: FileShape<CronKey> = {
  fileName: 'cron.yaml',
  listKey: 'cron',
  listOf: 'jobs, each starting with "- description: ..."',
  ignoredKeys: { application: 'application is ignored: the project comes from --project or GOOGLE_CLOUD_PROJECT' },
  // App Engine accepts an empty file (CronInfoExternal's `cron` is optional): no jobs.
  entry: {
    keys: CRON_KEYS,
    notAMapping: 'each entry under "cron:" must be a mapping with at least url (or function) and schedule',
    entry: 'a cron entry',
  },
};

function validateDocument(root: Node | null, problems: ProblemCollector): CronJobDefinition[] {
  const jobs: CronJobDefinition[] = [];
  const seen = new Map<string, SourcePosition>();
  for (const entry of readEntries(root, problems, CRON_YAML)) {
    const job = validateCronEntry(entry, problems);
    if (!job) continue;
    const first = seen.get(job.id);
    if (first) {
      problems.error(
        entry.value('description') ?? entry.node,
        'description',
        `Duplicate cron job "${job.id}": the job at ${first.file}:${first.line}:${first.column} has the same id (ids come from descriptions, ignoring case and punctuation): give the two jobs different descriptions`,
      );
      continue;
    }
    seen.set(job.id, job.position);
    if (!job.description) {
      problems.warning(
        entry.node,
        'description',
        `cron job without a description is named "${job.id}" after its ${job.target.kind} and schedule: changing either renames the job in Cloud Scheduler (a new job, the old one reported as not in the file). Add a description to give it a stable name.`,
      );
    }
    jobs.push(job);
  }
  return jobs;
}
