import { statSync } from 'node:fs';

/**
 * What identifies a version of queue.yaml, from one stat: a save changes its time, size or inode
 * (an editor that writes a new file and renames it over the old). 'absent' when there is none.
 * The app (runtime/queue-catalog.ts) and the emulator (emulator/queue-yaml.ts) compare it to
 * read the file again when `next-cloud-tasks dev` runs and it changes.
 */
export function fileStamp(path: string): string {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat ? `${stat.mtimeMs}:${stat.size}:${stat.ino}` : 'absent';
}
