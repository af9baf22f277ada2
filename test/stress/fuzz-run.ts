/**
 * The fuzz run: random bodies (fuzz-bodies.ts) with a valid token, POSTed to the task route of a
 * running server. With a valid token, the contract allows only these answers: 200 (success,
 * permanent failure, undecodable: dropped), 404 (unknown function: retried), 408 (quiet retry),
 * 413 (over the cap), 500 (the function threw). Anything else, or a dropped connection, is a defect.
 */
import { randomBody, seededRandom } from './fuzz-bodies';

export const CONTRACT_STATUSES = new Set([200, 404, 408, 413, 500]);

export interface FuzzOptions {
  url: string;
  token: () => Promise<string>;
  count: number;
  seed: number;
  /** Requests in flight at once; small, the machine is shared. @default 8 */
  concurrency?: number;
}

export interface FuzzResult {
  statuses: Record<string, number>;
  kinds: Record<string, number>;
  /** Answers outside the contract (or network errors), with what caused them. */
  violations: { index: number; kind: string; status: number | string; bodyStart: string }[];
  durationMs: number;
}

const RETRY_COUNTS = ['0', '1', '7', '-1', 'abc', '99999999999999999999', ''];
const QUEUES = ['default', 'bench', 'nope', '__proto__', 'constructor'];

export async function runFuzz({ url, token, count, seed, concurrency = 8 }: FuzzOptions): Promise<FuzzResult> {
  const rng = seededRandom(seed);
  const result: FuzzResult = { statuses: {}, kinds: {}, violations: [], durationMs: 0 };
  const authorization = `Bearer ${await token()}`;
  const started = performance.now();
  let next = 0;
  async function worker() {
    while (next < count) {
      const index = next++;
      const { kind, body } = randomBody(rng);
      const headers = {
        authorization,
        'content-type': 'application/json',
        'x-cloudtasks-queuename': QUEUES[index % QUEUES.length],
        'x-cloudtasks-taskname': `fuzz-${seed}-${index}`,
        'x-cloudtasks-taskretrycount': RETRY_COUNTS[index % RETRY_COUNTS.length],
      };
      result.kinds[kind] = (result.kinds[kind] ?? 0) + 1;
      let status: number | string;
      try {
        const response = await fetch(`${url}/_ah/queue/deferred/fuzz`, {
          method: 'POST',
          headers,
          body: body as Uint8Array<ArrayBuffer>,
          signal: AbortSignal.timeout(30_000),
        });
        await response.arrayBuffer();
        status = response.status;
      } catch (error) {
        status = `network error: ${(error as Error).message}`;
      }
      result.statuses[String(status)] = (result.statuses[String(status)] ?? 0) + 1;
      if (typeof status !== 'number' || !CONTRACT_STATUSES.has(status)) {
        result.violations.push({ index, kind, status, bodyStart: Buffer.from(body.subarray(0, 120)).toString('latin1') });
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  result.durationMs = performance.now() - started;
  return result;
}
