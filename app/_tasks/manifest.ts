import { createManifest } from 'next-cloud-tasks';
import { alwaysFails, flakyGreet, greet, measurePoint, noop, rejectForever, scheduledGreeting } from './demo';
import { notifyFollower } from './followers';

/**
 * Every deferrable function of the app. The task route imports this, so every bundle that can
 * receive a task knows every function. Add new functions here; never rename an id that has
 * tasks queued.
 */
export const manifest = createManifest([
  greet,
  flakyGreet,
  alwaysFails,
  rejectForever,
  scheduledGreeting,
  measurePoint,
  noop,
  notifyFollower,
]);
