import { demoStore } from '@/app/_tasks/demo-store';

/** The task lifecycle events that instrumentation.ts's registerDeferred({ onEvent }) listener saw, oldest first. */
export async function GET() {
  return Response.json(demoStore().events);
}
