import { resumeHook } from 'workflow/api';

/** Resumes the demo's `approval` run waiting on a hook: POST {"token": "approval:Ada", "approved": true}. */
export async function POST(request: Request) {
  const { token, approved } = (await request.json().catch(() => ({}))) as { token?: unknown; approved?: unknown };
  if (typeof token !== 'string' || typeof approved !== 'boolean') {
    return Response.json({ error: 'body must be {"token": "approval:<name>", "approved": true | false}' }, { status: 400 });
  }
  try {
    const { runId } = await resumeHook(token, { approved });
    return Response.json({ runId }, { status: 202 });
  } catch (error) {
    return Response.json({ error: error instanceof Error ? error.message : String(error) }, { status: 404 });
  }
}
