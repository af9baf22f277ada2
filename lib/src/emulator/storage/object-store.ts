/**
 * The emulator's Cloud Storage objects, in a table of its SQLite file (next to the tasks whose
 * payloads they hold), so a big task survives a restart of the emulator like the task does.
 * Its own connection: the table is the stand-in's alone, and WAL lets both connections share
 * the file. With ':memory:' the objects live in memory, as the tasks do.
 */
import { createHash } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { crc32cBase64 } from './crc32c.js';

export interface StoredObject {
  bucket: string;
  name: string;
  data: Buffer;
  contentType: string;
  generation: number;
  createdMs: number;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS storage_objects (
  bucket TEXT NOT NULL,
  name TEXT NOT NULL,
  data BLOB NOT NULL,
  content_type TEXT NOT NULL,
  generation INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (bucket, name)
)`;

export class ObjectStore {
  private readonly db: DatabaseSync;

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
    this.db.exec(SCHEMA);
  }

  put(bucket: string, name: string, data: Buffer, contentType: string, nowMs = Date.now()): StoredObject {
    const generation = nowMs * 1000 + Math.floor(Math.random() * 1000);
    this.db
      .prepare(
        'INSERT OR REPLACE INTO storage_objects (bucket, name, data, content_type, generation, created_ms) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(bucket, name, data, contentType, generation, nowMs);
    return { bucket, name, data, contentType, generation, createdMs: nowMs };
  }

  get(bucket: string, name: string): StoredObject | undefined {
    const row = this.db.prepare('SELECT * FROM storage_objects WHERE bucket = ? AND name = ?').get(bucket, name) as
      { data: Uint8Array; content_type: string; generation: number; created_ms: number } | undefined;
    if (!row) return undefined;
    return {
      bucket,
      name,
      data: Buffer.from(row.data),
      contentType: row.content_type,
      generation: row.generation,
      createdMs: row.created_ms,
    };
  }

  delete(bucket: string, name: string): boolean {
    return Number(this.db.prepare('DELETE FROM storage_objects WHERE bucket = ? AND name = ?').run(bucket, name).changes) > 0;
  }

  /** Names and sizes of a bucket's objects under `prefix` (the dashboard, tests). */
  list(bucket: string, prefix = ''): { name: string; size: number }[] {
    const rows = this.db
      .prepare('SELECT name, length(data) AS size FROM storage_objects WHERE bucket = ? AND substr(name, 1, ?) = ? ORDER BY name')
      .all(bucket, prefix.length, prefix) as { name: string; size: number }[];
    return rows.map(({ name, size }) => ({ name, size: Number(size) }));
  }

  close(): void {
    this.db.close();
  }
}

/** The object's JSON API resource (the fields the client reads), with Google's base64 hashes. */
export function objectResource(object: StoredObject): Record<string, string> {
  return {
    kind: 'storage#object',
    id: `${object.bucket}/${object.name}/${object.generation}`,
    bucket: object.bucket,
    name: object.name,
    generation: String(object.generation),
    metageneration: '1',
    contentType: object.contentType,
    size: String(object.data.length),
    md5Hash: createHash('md5').update(object.data).digest('base64'),
    crc32c: crc32cBase64(object.data),
    timeCreated: new Date(object.createdMs).toISOString(),
    updated: new Date(object.createdMs).toISOString(),
  };
}
