/**
 * The shape queue.yaml and cron.yaml share: a top-level mapping with one list (`queue:`, `cron:`)
 * of entries, each a mapping of known keys. Reading that shape, with a problem at the line of
 * every key that does not belong, is the same for both files; what an entry means is not.
 */
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { describe, type ProblemCollector, scalarValue } from './problems.js';

export interface FileShape<Key extends string> {
  /** The file, for messages: 'queue.yaml'. */
  fileName: string;
  /** The key of the list: 'queue'. */
  listKey: string;
  /** What the list holds, for messages: 'queues, each starting with "- name: ..."'. */
  listOf: string;
  /** Keys App Engine allows that have no effect here, each with the warning it gets. */
  ignoredKeys: Record<string, string>;
  /** The error for an empty file; undefined when an empty file just has no entries. */
  emptyFile?: string;
  /** What each entry of the list may hold. */
  entry: EntryShape<Key>;
}

const isEmpty = (node: Node | null | undefined) => node == null || (isScalar(node) && node.value == null);

/**
 * The entries of the file's list, each with its fields by key, after a problem at each top-level
 * key, entry or entry key that does not belong (an entry that is not a mapping is left out). One
 * at a time: an entry is read when the one before has been validated, so that its `hasErrors()`
 * counts its own problems only.
 */
export function* readEntries<Key extends string>(
  root: Node | null,
  problems: ProblemCollector,
  shape: FileShape<Key>,
): Generator<EntryFields<Key>> {
  for (const node of readEntryList(root, problems, shape)) {
    const entry = readEntry(node, shape.entry, problems);
    if (entry) yield entry;
  }
}

function readEntryList(root: Node | null, problems: ProblemCollector, shape: FileShape<string>): Node[] {
  if (isEmpty(root)) {
    if (shape.emptyFile) problems.error(root, undefined, shape.emptyFile);
    return [];
  }
  if (!isMap(root)) {
    problems.error(root, undefined, `${shape.fileName} must be a mapping with a "${shape.listKey}:" list at the top level`);
    return [];
  }
  const allowed = [shape.listKey, ...Object.keys(shape.ignoredKeys)];
  let list: Node | null = null;
  for (const pair of root.items as Pair<Node, Node>[]) {
    const key = String(scalarValue(pair.key));
    if (key === shape.listKey) list = pair.value ?? null;
    else if (Object.hasOwn(shape.ignoredKeys, key)) problems.warning(pair.key, key, shape.ignoredKeys[key]);
    else problems.error(pair.key, key, `Unknown top-level key "${key}"; allowed keys: ${allowed.join(', ')}`);
  }
  if (isEmpty(list)) return [];
  if (!isSeq(list)) {
    problems.error(list, shape.listKey, `"${shape.listKey}" must be a list of ${shape.listOf}`);
    return [];
  }
  return list.items as Node[];
}

/** What an entry of the list may hold, and how messages name it. */
export interface EntryShape<Key extends string> {
  keys: readonly Key[];
  /** The error for an entry that is not a mapping, before ", got <value>". */
  notAMapping: string;
  /** An entry, for "Unknown key ... in <entry>": 'a queue entry'. */
  entry: string;
}

/** One entry's fields, by key: its value node, where to point a problem about it, its text. */
export interface EntryFields<Key extends string> {
  node: Node;
  /** Whether an error was reported since the entry's reading began (its keys included). */
  hasErrors(): boolean;
  has(key: Key): boolean;
  /** The value's node; null when the key is absent or has no value. */
  value(key: Key): Node | null;
  /** Where a problem about `key` points: its value, else its key, else the entry. */
  at(key: Key): Node;
  /** The value as text; undefined when absent or null. */
  text(key: Key): string | undefined;
}

/**
 * The fields of one entry, each key checked against the shape's (an unknown one is an error that
 * lists them); undefined, after the `notAMapping` error, when the entry is not a mapping.
 */
function readEntry<Key extends string>(node: Node, shape: EntryShape<Key>, problems: ProblemCollector): EntryFields<Key> | undefined {
  const { keys } = shape;
  if (!isMap(node)) {
    problems.error(node, undefined, `${shape.notAMapping}, got ${describe(scalarValue(node) ?? node.toString())}`);
    return undefined;
  }
  const errorsBefore = problems.errorCount;
  const fields = new Map<Key, Pair<Node, Node>>();
  for (const pair of node.items as Pair<Node, Node>[]) {
    const key = String(scalarValue(pair.key));
    if ((keys as readonly string[]).includes(key)) fields.set(key as Key, pair);
    else problems.error(pair.key, key, `Unknown key "${key}" in ${shape.entry}; allowed keys: ${keys.join(', ')}`);
  }
  const value = (key: Key) => fields.get(key)?.value ?? null;
  return {
    node,
    hasErrors: () => problems.errorCount > errorsBefore,
    has: (key) => fields.has(key),
    value,
    at: (key) => fields.get(key)?.value ?? fields.get(key)?.key ?? node,
    text: (key) => {
      const raw = scalarValue(value(key));
      return raw === undefined || raw === null ? undefined : String(raw);
    },
  };
}
