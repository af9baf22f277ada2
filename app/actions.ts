'use server';

import { revalidatePath } from 'next/cache';
import { defer } from 'next-cloud-tasks';
import { runAfterResponse } from 'next-cloud-tasks/next';
import { alwaysFails, flakyGreet, greet, rejectForever } from './_tasks/demo';

export interface ActionState {
  message: string;
  error?: boolean;
}

/** The analytics ping goes to the app's own endpoint, at the configured URL (never the Host header). */
function pingAnalytics(event: string): void {
  runAfterResponse(async () => {
    const base = process.env.DEFERRED_SERVICE_URL;
    if (!base) return;
    await fetch(`${base}/api/analytics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event }),
    });
  });
}

export async function deferDemoTask(_state: ActionState, form: FormData): Promise<ActionState> {
  const name = String(form.get('name') ?? '').trim() || 'world';
  const kind = String(form.get('kind') ?? 'greet');
  try {
    let task: string;
    if (kind === 'flaky') task = await defer(flakyGreet, [name, 2]);
    else if (kind === 'fail') task = await defer(alwaysFails, [name], { queue: 'demo-failures' });
    else if (kind === 'permanent') task = await defer(rejectForever, [name], { queue: 'demo-failures' });
    else task = await defer(greet, [name, new Date()]);
    pingAnalytics(`deferred:${kind}`);
    revalidatePath('/');
    return { message: `Deferred ${task.split('/').pop()} (${kind})` };
  } catch (error) {
    return { message: error instanceof Error ? error.message : String(error), error: true };
  }
}
