/**
 * The settings in effect, resolved (runtime/config.ts) from the options in effect
 * (options-state.ts) once, on first use, and again only after the options change; what is
 * built from them (the transport, the queue catalog) is kept with them.
 */
import { ConfigError } from '../contract/errors.js';
import { resolveSettings, type EnqueueConfig, type HandlerConfig, type Settings } from './config.js';
import { log } from './logger.js';
import type { CloudTasksOptions } from './options.js';
import { optionsGeneration, settingsSource } from './options-state.js';
import { processState } from './process-state.js';

interface Resolved {
  generation: number;
  settings: Settings;
  /** What is built from the settings, dropped with them. */
  built: Map<string, unknown>;
}

const cache = () => processState('settings', (): { resolved?: Resolved } => ({}));

function resolved(): Resolved {
  const current = cache();
  // On every task request: one comparison while nothing changed.
  if (current.resolved?.generation !== optionsGeneration()) {
    const source = settingsSource();
    const settings = resolveSettings(source.options, source.env);
    current.resolved = { generation: source.generation, settings, built: new Map() };
    // Malformed tuning values fall back to their defaults; said once per resolution.
    for (const warning of settings.tuningWarnings) log('WARNING', warning);
  }
  return current.resolved;
}

/** The settings in effect. */
export function currentSettings(): Settings {
  return resolved().settings;
}

/** Made from the settings once, and made again after they change (the transport, the queue catalog). */
export function builtFromSettings<T>(key: string, build: (settings: Settings) => T): T {
  const { settings, built } = resolved();
  if (!built.has(key)) built.set(key, build(settings));
  return built.get(key) as T;
}

/** defer()'s settings; a ConfigError listing every problem when they are incomplete. */
export function enqueueConfig(): EnqueueConfig {
  const { enqueue } = currentSettings();
  if (enqueue instanceof ConfigError) throw enqueue;
  return enqueue;
}

// A route's own settings, resolved once per options object (tests make a new object to change them).
const routeSettings = new WeakMap<CloudTasksOptions, HandlerConfig | ConfigError>();

/**
 * The handler's settings: the process's, or with `routeOptions` a route's own (they replace the
 * process's, and the environment is not read). A ConfigError listing every problem when they are incomplete.
 */
export function handlerConfig(routeOptions?: CloudTasksOptions): HandlerConfig {
  let handler = routeOptions ? routeSettings.get(routeOptions) : currentSettings().handler;
  if (routeOptions && !handler) routeSettings.set(routeOptions, (handler = resolveSettings(routeOptions, {}).handler));
  if (handler instanceof ConfigError) throw handler;
  return handler!;
}
