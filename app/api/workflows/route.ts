import { getRun, start } from 'workflow/api';
import { approval, declined, onboarding } from '@/app/_workflows/onboarding';

const WORKFLOWS: Record<string, (name: string) => Promise<unknown>> = { onboarding, approval, declined };

/**
 * Starts a workflow: POST {"workflow": "onboarding" | "approval" | "declined", "name": "Ada"}
 * answers 202 with the run's id. Its first message is a Cloud Task to the flow route.
 */
export async function POST(request: Request) {
  const { workflow, name } = (await request.json().catch(() => ({}))) as { workflow?: unknown; name?: unknown };
  if (typeof workflow !== 'string' || !Object.hasOwn(WORKFLOWS, workflow) || typeof name !== 'string' || !name.trim()) {
    return Response.json({ error: `body must be {"workflow": ${Object.keys(WORKFLOWS).join(' | ')}, "name": "<text>"}` }, { status: 400 });
  }
  const run = await start(WORKFLOWS[workflow], [name.trim()]);
  return Response.json({ runId: run.runId }, { status: 202 });
}

/** A run's status, and its result once completed: GET /api/workflows?runId=wrun_... */
export async function GET(request: Request) {
  const runId = new URL(request.url).searchParams.get('runId');
  if (!runId) return Response.json({ error: 'runId is required' }, { status: 400 });
  const run = getRun(runId);
  if (!(await run.exists)) return Response.json({ error: `no run ${runId}` }, { status: 404 });
  const status = await run.status;
  return Response.json({ runId, status, ...(status === 'completed' ? { result: await run.returnValue } : {}) });
}
