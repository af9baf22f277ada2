import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { QueueYamlError } from './errors.js';
import { ProblemCollector, scalarValue } from './problems.js';
import { parseYamlText, readYamlFile } from './yaml-file.js';
import type { QueueDefinition, QueueFile, SourcePosition } from './types.js';
import { validateQueueEntry } from './validate-queue.js';
import { withDeadLetterQueues } from './dead-letter-queues.js';

export const TOP_LEVEL_KEYS = ['queue', 'total_storage_limit', 'application'] as const;

/**
 * Parses and validates queue.yaml text with App Engine's rules. Returns the push queues and the
 * warnings; throws a QueueYamlError listing every error, each at its line and column.
 */
export function parseQueueYaml(text: string, file = 'queue.yaml'): QueueFile {
  const { root, problems } = parseYamlText(text, file, QueueYamlError);
  const queues = validateDocument(root, problems);
  if (problems.errorCount > 0) throw new QueueYamlError(file, problems.problems);
  return { file, queues, warnings: problems.problems.filter((p) => p.severity === 'warning') };
}

/** Reads queue.yaml from disk (synchronously: it is read once, at start) and parses it. */
export function loadQueueYaml(path: string): QueueFile {
  return parseQueueYaml(readYamlFile(path, QueueYamlError), path);
}

function validateDocument(root: Node | null, problems: ProblemCollector): QueueDefinition[] {
  if (root == null || (isScalar(root) && root.value == null)) {
    problems.error(root, undefined, 'Empty queue configuration: write "queue:" followed by a list of queues');
    return [];
  }
  if (!isMap(root)) {
    problems.error(root, undefined, 'queue.yaml must be a mapping with a "queue:" list at the top level');
    return [];
  }
  let list: Node | null = null;
  for (const pair of root.items as Pair<Node, Node>[]) {
    const key = String(scalarValue(pair.key));
    if (key === 'queue') list = pair.value ?? null;
    else if (key === 'total_storage_limit')
      problems.warning(
        pair.key,
        key,
        'total_storage_limit cannot be set through the Cloud Tasks API (it has no storage quota per app): ignored',
      );
    else if (key === 'application')
      problems.warning(pair.key, key, 'application is ignored: the project comes from --project or GOOGLE_CLOUD_PROJECT');
    else problems.error(pair.key, key, `Unknown top-level key "${key}"; allowed keys: ${TOP_LEVEL_KEYS.join(', ')}`);
  }
  if (list == null || (isScalar(list) && list.value == null)) return [];
  if (!isSeq(list)) {
    problems.error(list, 'queue', '"queue" must be a list of queues, each starting with "- name: ..."');
    return [];
  }
  const queues: QueueDefinition[] = [];
  // Duplicates are found on the names as written, so an entry with other errors still counts.
  const seen = new Map<string, SourcePosition>();
  for (const item of list.items as Node[]) {
    const nameNode = isMap(item) ? (item.items as Pair<Node, Node>[]).find((p) => scalarValue(p.key) === 'name')?.value : undefined;
    const name = scalarValue(nameNode);
    const first = typeof name === 'string' || typeof name === 'number' ? seen.get(String(name)) : undefined;
    if (first) {
      problems.error(
        nameNode,
        'name',
        `Duplicate queue name "${name}": already defined at ${first.file}:${first.line}:${first.column}; merge the two entries`,
      );
    } else if (name != null) seen.set(String(name), problems.at(item));
    const def = validateQueueEntry(item, problems);
    if (def && !first) queues.push(def);
  }
  return withDeadLetterQueues(queues, problems);
}
