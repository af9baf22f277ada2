import { demoStore } from '@/app/_tasks/demo-store';

/** Records an analytics ping (sent by runAfterResponse after the demo's actions). */
export async function POST(request: Request) {
  const { event } = (await request.json().catch(() => ({}))) as { event?: unknown };
  if (typeof event !== 'string' || !event) return Response.json({ error: 'body must be {"event": "<name>"}' }, { status: 400 });
  demoStore().pings.unshift({ event: event.slice(0, 200), at: new Date() });
  return new Response(null, { status: 204 });
}

export async function GET() {
  return Response.json(demoStore().pings);
}
