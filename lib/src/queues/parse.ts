import type { Node } from 'yaml';
import { type ProblemCollector, scalarValue } from '../deploy/problems.js';
import { readEntries, type FileShape } from '../deploy/yaml-entries.js';
import { parseYamlFile, readYamlFile } from '../deploy/yaml-file.js';
import { QueueYamlError } from './errors.js';
import type { QueueDefinition, QueueFile, SourcePosition } from './types.js';
import { QUEUE_KEYS, validateQueueEntry, type QueueKey } from './validate-queue.js';
import { withDeadLetterQueues } from './dead-letter-queues.js';

/**
 * Parses and validates queue.yaml text with App Engine's rules. Returns the push queues and the
 * warnings; throws a QueueYamlError listing every error, each at its line and column.
 */
export function parseQueueYaml(text: string, file = 'queue.yaml'): QueueFile {
  const { value: queues, warnings } = parseYamlFile(text, file, QueueYamlError, validateDocument);
  return { file, queues, warnings };
}

/** Reads queue.yaml from disk (synchronously: it is read once, at start) and parses it. */
export function loadQueueYaml(path: string): QueueFile {
  return parseQueueYaml(readYamlFile(path, QueueYamlError), path);
}

const QUEUE_YAML: FileShape<QueueKey> = {
  fileName: 'queue.yaml',
  listKey: 'queue',
  listOf: 'queues, each starting with "- name: ..."',
  ignoredKeys: {
    total_storage_limit: 'total_storage_limit cannot be set through the Cloud Tasks API (it has no storage quota per app): ignored',
    application: 'application is ignored: the project comes from --project or GOOGLE_CLOUD_PROJECT',
  },
  emptyFile: 'Empty queue configuration: write "queue:" followed by a list of queues',
  entry: {
    keys: QUEUE_KEYS,
    notAMapping: 'each entry under "queue:" must be a mapping with at least name and rate (e.g. "- name: default" then "  rate: 5/s")',
    entry: 'a queue entry',
  },
};

function validateDocument(root: Node | null, problems: ProblemCollector): QueueDefinition[] {
  const queues: QueueDefinition[] = [];
  // Duplicates are found on the names as written, so an entry with other errors still counts.
  const seen = new Map<string, SourcePosition>();
  for (const entry of readEntries(root, problems, QUEUE_YAML)) {
    const nameNode = entry.value('name');
    const name = scalarValue(nameNode);
    const first = typeof name === 'string' || typeof name === 'number' ? seen.get(String(name)) : undefined;
    if (first) {
      problems.error(
        nameNode,
        'name',
        `Duplicate queue name "${name}": already defined at ${first.file}:${first.line}:${first.column}; merge the two entries`,
      );
    } else if (name != null) seen.set(String(name), problems.at(entry.node));
    const def = validateQueueEntry(entry, problems);
    if (def && !first) queues.push(def);
  }
  return withDeadLetterQueues(queues, problems);
}
