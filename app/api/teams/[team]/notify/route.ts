import { DeferManyError, deferMany } from 'next-cloud-tasks';
import { followersOf, MAX_DEMO_FOLLOWERS, notifyFollower } from '@/app/_tasks/followers';
import { demoStore } from '@/app/_tasks/demo-store';

type Context = { params: Promise<{ team: string }> };

/**
 * The fan-out example: POST {"message": "...", "followers": 250} tells every follower of the team,
 * each in a task of their own, created 100 at a time by one deferMany() (not one defer() per
 * follower). Answers 202 with how many tasks were made; when some were not (Cloud Tasks' batches
 * are not atomic), 502 with each failed follower and why, so the caller knows which tasks exist.
 */
export async function POST(request: Request, { params }: Context) {
  const { team } = await params;
  const { message, followers = 25 } = (await request.json().catch(() => ({}))) as { message?: unknown; followers?: unknown };
  if (typeof message !== 'string' || !message.trim()) {
    return Response.json({ error: 'body must be {"message": "<text>", "followers": <how many, optional>}' }, { status: 400 });
  }
  if (!Number.isInteger(followers) || (followers as number) < 1 || (followers as number) > MAX_DEMO_FOLLOWERS) {
    return Response.json({ error: `followers must be a whole number from 1 to ${MAX_DEMO_FOLLOWERS}` }, { status: 400 });
  }
  const fans = followersOf(team, followers as number);
  try {
    const { created } = await deferMany(
      notifyFollower,
      fans.map((fan) => [fan, team, message.trim()]),
    );
    return Response.json({ created }, { status: 202 });
  } catch (error) {
    if (!(error instanceof DeferManyError)) throw error;
    const failed = error.result.items.flatMap((item, i) => (item.ok ? [] : [{ follower: fans[i], error: item.error.message }]));
    return Response.json({ created: error.result.created, failed }, { status: 502 });
  }
}

/** The notifications the team's tasks recorded, newest first. */
export async function GET(_request: Request, { params }: Context) {
  const { team } = await params;
  return Response.json(demoStore().notifications.filter((notification) => notification.team === team));
}
