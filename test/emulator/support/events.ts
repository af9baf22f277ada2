/** Waits for one task lifecycle event of the emulator, with a timeout that names what was awaited. */
import type { EmulatorEvents, EmulatorHandle } from 'next-cloud-tasks/emulator';

export function nextEvent<K extends keyof EmulatorEvents>(
  emulator: EmulatorHandle,
  event: K,
  matches: (...args: EmulatorEvents[K]) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<EmulatorEvents[K][0]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: EmulatorEvents[K]) => {
      if (!matches(...args)) return;
      clearTimeout(timer);
      emulator.events.off(event, listener as never);
      resolve(args[0]);
    };
    const timer = setTimeout(() => {
      emulator.events.off(event, listener as never);
      reject(new Error(`no ${event} event within ${timeoutMs} ms`));
    }, timeoutMs);
    emulator.events.on(event, listener as never);
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Records every lifecycle event from now on, so a test can wait for one that may already have
 * happened (a fast task can finish before the call that created it returns).
 */
export function recordEvents(emulator: EmulatorHandle) {
  const seen: { event: keyof EmulatorEvents; payload: any; atMs: number }[] = [];
  const events: (keyof EmulatorEvents)[] = ['task:start', 'task:success', 'task:error', 'task:dead'];
  const listeners = events.map((event) => {
    const listener = (payload: unknown) => seen.push({ event, payload, atMs: Date.now() });
    emulator.events.on(event, listener);
    return () => emulator.events.off(event, listener);
  });
  return {
    all: <K extends keyof EmulatorEvents>(event: K): EmulatorEvents[K][0][] => seen.filter((e) => e.event === event).map((e) => e.payload),
    /** When each matching event was emitted (Date.now() in the emulator's own process). */
    times: <K extends keyof EmulatorEvents>(event: K, matches: (payload: EmulatorEvents[K][0]) => boolean): number[] =>
      seen.filter((e) => e.event === event && matches(e.payload)).map((e) => e.atMs),
    async waitFor<K extends keyof EmulatorEvents>(
      event: K,
      matches: (payload: EmulatorEvents[K][0]) => boolean,
      timeoutMs = 15_000,
    ): Promise<EmulatorEvents[K][0]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = seen.find((e) => e.event === event && matches(e.payload));
        if (found) return found.payload;
        if (Date.now() > deadline) throw new Error(`no matching ${event} event within ${timeoutMs} ms`);
        await sleep(20);
      }
    },
    stop: () => listeners.forEach((off) => off()),
  };
}
