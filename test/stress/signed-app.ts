/**
 * The signed production app of test/helpers/signed-app.ts, with a memory probe in the server
 * process (--expose-gc): the fuzz run checks that the live heap returns to its baseline.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSignedApp as startApp, type SignedApp as App } from '../helpers/signed-app';

export interface SignedApp extends App {
  /** The live heap (after a GC) the probe wrote after `since`. */
  heapAfter(since: number): Promise<{ heapUsed: number; rss: number }>;
}

export async function startSignedApp(): Promise<SignedApp> {
  const probeFile = join(mkdtempSync(join(tmpdir(), 'memory-probe-')), 'memory.json');
  const signed = await startApp({
    env: { MEMORY_PROBE_FILE: probeFile, NODE_OPTIONS: `--expose-gc --require ${join(__dirname, 'memory-probe.cjs')}` },
  });
  return {
    ...signed,
    async heapAfter(since) {
      for (let i = 0; i < 200; i++) {
        try {
          const sample = JSON.parse(readFileSync(probeFile, 'utf8')) as { heapUsed: number; rss: number; at: number };
          if (sample.at > since) return sample;
        } catch {
          // not written yet, or mid-write
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the memory probe wrote nothing: was the server started with --expose-gc and the probe?');
    },
  };
}
