/** Waits for one task lifecycle event of the emulator, with a timeout that names what was awaited. */
import type { DispatcherEvents, EmulatorHandle } from '../../../lib/emulator';

export function nextEvent<K extends keyof DispatcherEvents>(
  emulator: EmulatorHandle,
  event: K,
  matches: (...args: DispatcherEvents[K]) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<DispatcherEvents[K][0]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: DispatcherEvents[K]) => {
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
