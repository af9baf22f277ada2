import { defer, DeferredError } from 'next-cloud-tasks';
import { greet } from '@/app/_tasks/demo';
import { demoStore } from '@/app/_tasks/demo-store';

/**
 * Defers a greeting from a route handler: POST {"name": "Ada"} answers 202 with the task's name,
 * and how long defer() took in a Server-Timing header (bench/cold-start.bench.ts reads it).
 * `"queue": "<name>"` picks a queue of queue.yaml; one defer() refuses (not in queue.yaml, say)
 * answers 422 with its message.
 */
export async function POST(request: Request) {
  const { name, queue } = (await request.json().catch(() => ({}))) as { name?: unknown; queue?: unknown };
  if (typeof name !== 'string' || !name.trim()) return Response.json({ error: 'body must be {"name": "<text>"}' }, { status: 400 });
  if (queue !== undefined && typeof queue !== 'string') return Response.json({ error: '"queue" must be a queue name' }, { status: 400 });
  const start = performance.now();
  let task: string;
  try {
    task = await defer(greet, [name.trim(), new Date()], { queue });
  } catch (error) {
    if (error instanceof DeferredError) return Response.json({ error: error.message }, { status: 422 });
    throw error;
  }
  const deferMs = (performance.now() - start).toFixed(2);
  return Response.json({ task }, { status: 202, headers: { 'server-timing': `defer;dur=${deferMs}` } });
}

/** The greetings the deferred tasks recorded, newest first. */
export async function GET() {
  return Response.json(demoStore().greetings);
}
