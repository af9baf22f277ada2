/**
 * The demo's results, in memory. Kept on globalThis: a route handler and a page can be
 * separate module instances in one Next server process, and both must see the same list.
 */
export interface Greeting {
  name: string;
  message: string;
  requestedAt: Date;
  ranAt: Date;
  attempt: number;
  taskName?: string;
}

/** A task lifecycle event, as instrumentation.ts's listener saw it. */
export interface TaskEventRecord {
  event: string;
  functionId?: string;
  at: Date;
}

/** One follower told of a team's announcement (the fan-out example, app/_tasks/followers.ts). */
export interface Notification {
  follower: string;
  team: string;
  message: string;
  ranAt: Date;
  attempt: number;
  taskName?: string;
}

export interface AnalyticsPing {
  event: string;
  at: Date;
}

interface DemoStore {
  greetings: Greeting[];
  pings: AnalyticsPing[];
  events: TaskEventRecord[];
  notifications: Notification[];
  /** Attempts per key, for the flaky demo function. */
  attempts: Map<string, number>;
}

const key = Symbol.for('next-cloud-tasks.demo-store');
type WithStore = typeof globalThis & { [key]?: DemoStore };

export function demoStore(): DemoStore {
  const g = globalThis as WithStore;
  return (g[key] ??= { greetings: [], pings: [], events: [], notifications: [], attempts: new Map() });
}
