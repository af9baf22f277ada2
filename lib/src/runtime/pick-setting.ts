/**
 * One setting read for resolveSettings (config.ts): the explicit option, else its environment
 * variable, checked by the variable's rule (contract/env.ts), with the name to use in a message.
 */
import { ENV, envText, isInvalid, type Env, type EnvVariable } from '../contract/env.js';
import type { ConfigProblem } from './config.js';
import type { CloudTasksOptions, CloudTasksSetting } from './options.js';

export interface Picked<T> {
  value?: T;
  /** What to call it in a message: the variable, or the option when it was given explicitly. */
  label: string;
  problem?: ConfigProblem;
}

/** An option given explicitly, as its variable's text, so both go through the same rule. */
const asText = (value: unknown): string => (Array.isArray(value) ? value.join(',') : String(value));

/** One setting: the explicit option, else its variable, else undefined; checked by the variable's rule. */
export function pick<T>(options: CloudTasksOptions, key: CloudTasksSetting, env: Env): Picked<T> {
  const variable = ENV[key] as unknown as EnvVariable<T>;
  const explicit = options[key];
  const label = explicit === undefined ? variable.name : `options.${key}`;
  const raw = explicit === undefined ? envText(env, variable) : asText(explicit).trim();
  if (raw === undefined || raw === '') return { label };
  const value = variable.parse(raw, label);
  return isInvalid(value) ? { label, problem: { variable: label, message: value.invalid } } : { value, label };
}

export type Problems = ConfigProblem[];

export function required<T>(picked: Picked<T>, what: string, problems: Problems): T | undefined {
  if (picked.problem) problems.push(picked.problem);
  else if (picked.value === undefined) problems.push({ variable: picked.label, message: `${picked.label} is not set: ${what}` });
  return picked.value;
}

export function optional<T>(picked: Picked<T>, problems: Problems): T | undefined {
  if (picked.problem) problems.push(picked.problem);
  return picked.value;
}
