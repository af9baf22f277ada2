/**
 * A stand-in for Cloud Tasks' REST API on loopback that answers every call after a fixed delay
 * (Cloud Tasks' round trip, ~30 ms from Cloud Run): CreateTask (v2 and v2beta3), and
 * BatchCreateTasks answered with its long-running operation already done, as Cloud Tasks answers
 * a small batch. It counts the tasks it made and the calls it answered, and the most calls it held
 * at once: what a fan-out costs the service.
 */
import { createServer, type Server } from 'node:http';

const TYPE = 'type.googleapis.com/google.cloud.tasks.v2beta3.';
const BATCH_CREATE = /^\/v2beta3\/(projects\/[^/]+\/locations\/[^/]+\/queues\/[^/]+)\/tasks:batchCreate$/;
const CREATE = /^\/v2(?:beta3)?\/(projects\/[^/]+\/locations\/[^/]+\/queues\/[^/]+)\/tasks$/;

export interface SlowCloudTasks {
  host: string;
  stats: { tasks: number; calls: number; batchCalls: number; maxInFlight: number };
  close(): Promise<void>;
}

export async function startSlowCloudTasks(delayMs: number): Promise<SlowCloudTasks> {
  const stats = { tasks: 0, calls: 0, batchCalls: 0, maxInFlight: 0 };
  let inFlight = 0;
  let seq = 0;
  /** The name the request gave the task (the adapter names its tasks, so a retry cannot duplicate one), else one of ours. */
  const taskName = (parent: string, task?: { name?: string }) => task?.name || `${parent}/tasks/${++seq}`;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
      stats.calls++;
      const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as {
        requests?: { task?: { name?: string } }[];
        task?: { name?: string };
      };
      let answer: object;
      let status = 200;
      const batch = BATCH_CREATE.exec(path);
      const single = CREATE.exec(path);
      if (req.method === 'POST' && batch) {
        stats.batchCalls++;
        const tasks = (body.requests ?? []).map((item) => ({ name: taskName(batch[1], item.task), dispatchCount: 0 }));
        stats.tasks += tasks.length;
        const operation = `${batch[1].replace(/\/queues\/.*/, '')}/operations/${stats.batchCalls}`;
        const metadata = { '@type': `${TYPE}BatchCreateTasksMetadata`, state: 2 };
        answer = { name: operation, metadata, done: true, response: { '@type': `${TYPE}BatchCreateTasksResponse`, tasks } };
      } else if (req.method === 'POST' && single) {
        stats.tasks++;
        answer = { name: taskName(single[1], body.task), dispatchCount: 0 };
      } else {
        status = 501;
        answer = { error: { code: 501, status: 'UNIMPLEMENTED', message: `${req.method} ${path} is not served by the stand-in` } };
      }
      setTimeout(() => {
        inFlight--;
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as { port: number }).port}`,
    stats,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
