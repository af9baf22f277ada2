import { defer } from 'next-cloud-tasks';
import { greet } from '@/app/_tasks/demo';
import { demoStore } from '@/app/_tasks/demo-store';

/**
 * Defers a greeting from a route handler: POST {"name": "Ada"} answers 202 with the task's name,
 * and how long defer() took in a Server-Timing header (bench/cold-start.bench.ts reads it).
 */
export async function POST(request: Request) {
  const { name } = (await request.json().catch(() => ({}))) as { name?: unknown };
  if (typeof name !== 'string' || !name.trim()) return Response.json({ error: 'body must be {"name": "<text>"}' }, { status: 400 });
  const start = performance.now();
  const task = await defer(greet, [name.trim(), new Date()]);
  const deferMs = (performance.now() - start).toFixed(2);
  return Response.json({ task }, { status: 202, headers: { 'server-timing': `defer;dur=${deferMs}` } });
}

/** The greetings the deferred tasks recorded, newest first. */
export async function GET() {
  return Response.json(demoStore().greetings);
}
