import { deferrable, getTaskContext } from 'next-cloud-tasks';
import { demoStore } from './demo-store';

/** The most followers one announcement of the demo notifies: a demo, not a load generator. */
export const MAX_DEMO_FOLLOWERS = 1000;

/** Tells one follower about a team's announcement (a real app sends a push notification here). */
export const notifyFollower = deferrable('followers.notify', async (follower: string, team: string, message: string) => {
  const { attempt, taskName } = getTaskContext();
  demoStore().notifications.unshift({ follower, team, message, ranAt: new Date(), attempt, taskName });
});

/** A team's followers. Made up here, `<team>-fan-1`, `<team>-fan-2`...: a real app reads them from its database. */
export function followersOf(team: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${team}-fan-${i + 1}`);
}
