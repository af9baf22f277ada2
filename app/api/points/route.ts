import { defer } from 'next-cloud-tasks';
import { measurePoint } from '@/app/_tasks/demo';
import { Point } from '@/app/_tasks/point';

/**
 * Defers the measure of a point: POST {"x": 3, "y": 4} answers 202 with the task's name. The
 * argument is a class instance (Point, registered with registerClass): it reaches the task as a
 * Point, whose methods work there.
 */
export async function POST(request: Request) {
  const { x, y } = (await request.json().catch(() => ({}))) as { x?: unknown; y?: unknown };
  if (typeof x !== 'number' || typeof y !== 'number')
    return Response.json({ error: 'body must be {"x": <number>, "y": <number>}' }, { status: 400 });
  const task = await defer(measurePoint, [new Point(x, y)]);
  return Response.json({ task }, { status: 202 });
}
