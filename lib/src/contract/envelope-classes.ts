/**
 * The registered classes an encoded envelope names: superjson writes each instance of a
 * registered class as its fields plus a `["class", id]` annotation in `meta.values`. Read when a
 * body does not decode (to say which class is missing), and by the tools that show tasks without
 * the app's classes (the dashboard, the dead-letters CLI).
 */

/** The class ids in a superjson text's annotations, each once; none when it is not superjson. */
export function classIdsOf(text: string): string[] {
  let values: unknown;
  try {
    values = (JSON.parse(text) as { meta?: { values?: unknown } })?.meta?.values;
  } catch {
    return [];
  }
  const ids = new Set<string>();
  // A tree is [type, children?] (type a string, or [kind, id]) or { path: tree }.
  const visit = (tree: unknown): void => {
    if (Array.isArray(tree)) {
      const [type, children] = tree as [unknown, unknown];
      if (Array.isArray(type) && type[0] === 'class' && typeof type[1] === 'string') ids.add(type[1]);
      visit(children);
    } else if (typeof tree === 'object' && tree !== null) {
      for (const child of Object.values(tree)) visit(child);
    }
  };
  visit(values);
  return [...ids];
}

/** Why a task naming class `id` does not decode in this process, and the fix. */
export function unregisteredClassMessage(id: string): string {
  return (
    `the task's arguments hold an instance of class "${id}", which is not registered in the process that runs it: ` +
    `call registerClass('${id}', TheClass) in a module the task route loads (import the class's module from the ` +
    "deferrable function's module for its value, not only its type: a type-only import is erased)"
  );
}

/** A class that stands for a registered class the process does not have: its instances show as `<id> {...}`. */
export function standInClass(id: string): new () => object {
  return { [id]: class {} }[id];
}
