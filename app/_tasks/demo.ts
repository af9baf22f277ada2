import { deferrable, getTaskContext, PermanentTaskFailure } from 'next-cloud-tasks';
import { demoStore } from './demo-store';
import { Point } from './point';

/** Builds a greeting later and records it: what the demo page shows. */
export const greet = deferrable('demo.greet', async (name: string, requestedAt: Date) => {
  const { attempt, taskName } = getTaskContext();
  demoStore().greetings.unshift({ name, message: `Hello, ${name}!`, requestedAt, ranAt: new Date(), attempt, taskName });
});

/** Fails its first `failures` attempts, then records a greeting: retries, visibly. */
export const flakyGreet = deferrable('demo.flakyGreet', async (name: string, failures: number) => {
  const { attempt, taskName } = getTaskContext();
  if (attempt <= failures) throw new Error(`flaky on purpose: attempt ${attempt} of ${failures + 1}`);
  demoStore().greetings.unshift({
    name,
    message: `Hello after ${failures} failures, ${name}!`,
    requestedAt: new Date(),
    ranAt: new Date(),
    attempt,
    taskName,
  });
});

/** Always throws: retried per its queue, then dead-lettered. */
export const alwaysFails = deferrable('demo.alwaysFails', async (reason: string) => {
  throw new Error(`always fails: ${reason}`);
});

/** Gives up at once: dropped by Cloud Tasks and dead-lettered, never retried. */
export const rejectForever = deferrable('demo.rejectForever', async (reason: string) => {
  throw new PermanentTaskFailure(`cannot ever succeed: ${reason}`);
});

/** Run by Cloud Scheduler (cron.yaml's `function:` job): a greeting that names the job and its schedule time. */
export const scheduledGreeting = deferrable('demo.scheduledGreeting', async (name: string) => {
  const { attempt, cronJob } = getTaskContext();
  const requestedAt = cronJob?.scheduleTime ?? new Date();
  demoStore().greetings.unshift({
    name,
    message: `Scheduled hello, ${name}!`,
    requestedAt,
    ranAt: new Date(),
    attempt,
    taskName: cronJob?.name,
  });
});

/**
 * Measures a point: its argument arrives as a Point (registered with registerClass), so its
 * methods work here. `instanceof` uses Point as a value, so this module loads ./point (and its
 * registration) wherever the manifest is loaded, the task route included.
 */
export const measurePoint = deferrable('demo.measurePoint', async (point: Point) => {
  if (!(point instanceof Point)) throw new PermanentTaskFailure(`not a Point: ${JSON.stringify(point)}`);
  const { attempt, taskName } = getTaskContext();
  demoStore().greetings.unshift({
    name: `Point ${point}`,
    message: `The distance of ${point} from the origin is ${point.norm()}`,
    requestedAt: new Date(),
    ranAt: new Date(),
    attempt,
    taskName,
  });
});

/** Does nothing: for benchmarks of the handler itself. */
export const noop = deferrable('demo.noop', () => {});
