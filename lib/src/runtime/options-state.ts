/**
 * The process's one set of options, on the one `globalThis` slot (process-state.ts), so that
 * Next's three module instances (instrumentation, route handlers, server actions) see the same:
 *
 * - the framework adapter's defaults (`next/`: the trace provider that reads the request);
 * - the app's options, from `registerDeferred(options)`;
 * - the test kit's layers, innermost last (a stub, a test's own options), each over the ones
 *   below. A hermetic layer (the stub's) reads neither the environment nor the settings below
 *   it: a test does not depend on the shell it runs in. Hooks still merge through.
 *
 * The settings resolved from them are kept in settings.ts, made again when `generation` moves.
 */
import type { Env } from '../contract/env.js';
import type { CloudTasksOptions } from './options.js';
import type { PayloadStore } from './payload-store-types.js';
import { processState } from './process-state.js';
import type { QueueCatalog } from './queue-catalog.js';

/** What the test kit puts in place of production's parts while a layer is applied. */
export interface TestDoubles {
  /** The queues defer() and the handler see (the stub's queue.yaml). */
  queues?: QueueCatalog;
  /** Where offloaded payloads go (the stub's memory). */
  payloadStore?: PayloadStore;
  /** Takes runAfterResponse's work instead of Next's after() (the collector). */
  afterResponse?: (work: () => unknown) => void;
}

/** Options applied over the app's by the test kit. */
export interface OptionsLayer {
  options: CloudTasksOptions;
  /** Read neither the environment nor the layers below for settings (hooks still merge). */
  hermetic?: boolean;
  doubles?: TestDoubles;
}

interface State {
  adapter: CloudTasksOptions;
  app: CloudTasksOptions;
  layers: OptionsLayer[];
  /** Moves at every change, so that what was resolved from the options is resolved again. */
  generation: number;
  merged?: CloudTasksOptions;
}

const state = () => processState('options', (): State => ({ adapter: {}, app: {}, layers: [], generation: 0 }));

/** Later options win, field by field; an option left undefined does not hide the one below. */
function merge(list: readonly CloudTasksOptions[]): CloudTasksOptions {
  const out: Record<string, unknown> = {};
  for (const options of list) {
    for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value;
  }
  return out as CloudTasksOptions;
}

function changed(current: State): void {
  current.merged = undefined;
  current.generation++;
}

/**
 * The framework adapter's defaults (under the app's options): hooks only, so the settings
 * resolved so far, and what was built from them, stay (each module instance sets them as it loads).
 */
export function setAdapterDefaults(options: Pick<CloudTasksOptions, 'traceProvider'>): void {
  const current = state();
  current.adapter = { ...options };
  current.merged = undefined;
}

/** The app's options: what registerDeferred() was given, replacing what it was given before. */
export function setAppOptions(options: CloudTasksOptions): void {
  const current = state();
  current.app = { ...options };
  changed(current);
}

/** Applies a test layer over the others; the returned function removes it (whatever was applied since). */
export function applyLayer(layer: OptionsLayer): () => void {
  const current = state();
  current.layers.push(layer);
  changed(current);
  return () => {
    const at = current.layers.lastIndexOf(layer);
    if (at < 0) return;
    current.layers.splice(at, 1);
    changed(current);
  };
}

/** Every option in effect (the hooks are read from here). */
export function currentOptions(): CloudTasksOptions {
  const current = state();
  return (current.merged ??= merge([current.adapter, current.app, ...current.layers.map((layer) => layer.options)]));
}

/** The innermost test double of that kind, if a layer applies one. */
export function testDouble<K extends keyof TestDoubles>(kind: K): TestDoubles[K] | undefined {
  const { layers } = state();
  for (let i = layers.length - 1; i >= 0; i--) {
    const double = layers[i].doubles?.[kind];
    if (double !== undefined) return double;
  }
  return undefined;
}

/** Moves whenever the options change: what was resolved from them is stale then. */
export function optionsGeneration(): number {
  return state().generation;
}

/** What the settings are resolved from now: the options and the environment (none under a hermetic layer). */
export function settingsSource(): { generation: number; options: CloudTasksOptions; env: Env } {
  const current = state();
  const hermeticAt = current.layers.findLastIndex((layer) => layer.hermetic);
  if (hermeticAt < 0) return { generation: current.generation, options: currentOptions(), env: process.env };
  const options = merge([current.adapter, ...current.layers.slice(hermeticAt).map((layer) => layer.options)]);
  return { generation: current.generation, options, env: {} };
}
