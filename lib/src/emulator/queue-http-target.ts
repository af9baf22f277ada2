/**
 * Queue-level routing (the Queue resource's `httpTarget`): a URI override with its enforce mode,
 * an HTTP method, header overrides and an OIDC or OAuth token, stored with the queue, returned by
 * the API and applied to every task of the queue on dispatch, as Cloud Tasks applies them
 * (cloudtasks/v2/target.proto: "queue-level configuration overrides all task-level
 * configuration" in ALWAYS mode, the default; "only applied where task-level configuration does
 * not exist" in IF_NOT_EXISTS mode).
 */
import { headerProblem } from '../contract/http-headers.js';
import { enumValue, type JsonObject } from '../contract/proto-json.js';
import { invalidArgument } from './api-error.js';
import { HTTP_METHODS, type HttpMethod, type TaskRecord } from './model.js';

export const URI_SCHEMES = ['SCHEME_UNSPECIFIED', 'HTTP', 'HTTPS'] as const;
export const ENFORCE_MODES = ['URI_OVERRIDE_ENFORCE_MODE_UNSPECIFIED', 'IF_NOT_EXISTS', 'ALWAYS'] as const;

export interface UriOverride {
  scheme?: 'HTTP' | 'HTTPS';
  host?: string;
  port?: number;
  /** pathOverride.path; '' clears the path. */
  path?: string;
  /** queryOverride.queryParams; '' clears the query. */
  query?: string;
  /** Unspecified means ALWAYS. */
  enforceMode: 'IF_NOT_EXISTS' | 'ALWAYS';
}

export interface QueueHttpTarget {
  uriOverride?: UriOverride;
  httpMethod?: HttpMethod;
  headerOverrides?: { key: string; value: string }[];
  oidcToken?: { serviceAccountEmail: string; audience?: string };
  oauthToken?: { serviceAccountEmail: string; scope?: string };
}

const object = (value: unknown, field: string): JsonObject | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidArgument(`${field} must be an object`);
  return value as JsonObject;
};

const text = (value: unknown, field: string): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidArgument(`${field} must be a string`);
  return value;
};

function parseUriOverride(input: JsonObject): UriOverride {
  const scheme =
    input.scheme === undefined || input.scheme === null
      ? 'SCHEME_UNSPECIFIED'
      : enumValue(URI_SCHEMES, input.scheme, 'httpTarget.uriOverride.scheme', invalidArgument);
  const host = text(input.host, 'httpTarget.uriOverride.host');
  if (host !== undefined && !/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/.test(host)) {
    throw invalidArgument(`httpTarget.uriOverride.host "${host}" is not a host name (no scheme, port or path: use their own fields)`);
  }
  let port: number | undefined;
  if (input.port !== undefined && input.port !== null && input.port !== '0' && input.port !== 0) {
    port = Number(input.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw invalidArgument(`httpTarget.uriOverride.port must be 1-65535, got ${JSON.stringify(input.port)}`);
  }
  const path = text(object(input.pathOverride, 'httpTarget.uriOverride.pathOverride')?.path, 'httpTarget.uriOverride.pathOverride.path');
  if (path !== undefined && path !== '' && !path.startsWith('/'))
    throw invalidArgument(`httpTarget.uriOverride.pathOverride.path must start with "/", got "${path}"`);
  const query = text(
    object(input.queryOverride, 'httpTarget.uriOverride.queryOverride')?.queryParams,
    'httpTarget.uriOverride.queryOverride.queryParams',
  );
  const mode =
    input.uriOverrideEnforceMode === undefined || input.uriOverrideEnforceMode === null
      ? 'URI_OVERRIDE_ENFORCE_MODE_UNSPECIFIED'
      : enumValue(ENFORCE_MODES, input.uriOverrideEnforceMode, 'httpTarget.uriOverride.uriOverrideEnforceMode', invalidArgument);
  return {
    ...(scheme !== 'SCHEME_UNSPECIFIED' ? { scheme } : {}),
    ...(host !== undefined && host !== '' ? { host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(path !== undefined ? { path } : {}),
    ...(query !== undefined ? { query: query.replace(/^\?/, '') } : {}),
    enforceMode: mode === 'IF_NOT_EXISTS' ? 'IF_NOT_EXISTS' : 'ALWAYS',
  };
}

function parseToken(input: unknown, field: string, extra: 'audience' | 'scope'): { serviceAccountEmail: string } & Record<string, string> {
  const token = object(input, field)!;
  const email = text(token.serviceAccountEmail, `${field}.serviceAccountEmail`);
  if (!email || !email.includes('@')) throw invalidArgument(`${field}.serviceAccountEmail must be a service account email`);
  const value = text(token[extra], `${field}.${extra}`);
  return { serviceAccountEmail: email, ...(value ? { [extra]: value } : {}) };
}

/** The parts of `httpTarget` a request sets (`part` alone for an updateMask like httpTarget.uriOverride). */
export function parseQueueHttpTarget(
  input: unknown,
  existing?: QueueHttpTarget,
  part?: keyof QueueHttpTarget,
): QueueHttpTarget | undefined {
  const body = object(input, 'httpTarget') ?? {};
  const next: QueueHttpTarget = part ? { ...existing } : {};
  const wants = (key: keyof QueueHttpTarget) => part === undefined || part === key;
  if (wants('uriOverride')) {
    const uri = object(body.uriOverride, 'httpTarget.uriOverride');
    next.uriOverride = uri ? parseUriOverride(uri) : undefined;
  }
  if (wants('httpMethod')) {
    const method =
      body.httpMethod === undefined || body.httpMethod === null || body.httpMethod === 0
        ? undefined
        : enumValue(HTTP_METHODS, body.httpMethod, 'httpTarget.httpMethod', invalidArgument);
    next.httpMethod = method === 'HTTP_METHOD_UNSPECIFIED' ? undefined : method;
  }
  if (wants('headerOverrides')) {
    const list = body.headerOverrides;
    if (list !== undefined && list !== null && !Array.isArray(list))
      throw invalidArgument('httpTarget.headerOverrides must be a list of { header: { key, value } }');
    next.headerOverrides = (list as unknown[] | undefined)?.map((entry, index) => {
      const header = object(object(entry, `httpTarget.headerOverrides[${index}]`)?.header, `httpTarget.headerOverrides[${index}].header`);
      const key = text(header?.key, `httpTarget.headerOverrides[${index}].header.key`) ?? '';
      const value = text(header?.value, `httpTarget.headerOverrides[${index}].header.value`) ?? '';
      const problem = headerProblem(key, value);
      if (problem) throw invalidArgument(`httpTarget.headerOverrides[${index}]: ${problem}`);
      return { key, value };
    });
  }
  if (wants('oidcToken'))
    next.oidcToken = body.oidcToken
      ? (parseToken(body.oidcToken, 'httpTarget.oidcToken', 'audience') as QueueHttpTarget['oidcToken'])
      : undefined;
  if (wants('oauthToken'))
    next.oauthToken = body.oauthToken
      ? (parseToken(body.oauthToken, 'httpTarget.oauthToken', 'scope') as QueueHttpTarget['oauthToken'])
      : undefined;
  if (next.oidcToken && next.oauthToken) throw invalidArgument('httpTarget sets both oidcToken and oauthToken; Cloud Tasks takes one');
  const set = Object.fromEntries(
    Object.entries(next).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0)),
  );
  return Object.keys(set).length ? (set as QueueHttpTarget) : undefined;
}

export function httpTargetToJson(target: QueueHttpTarget, enumsAsInt: boolean): Record<string, unknown> {
  const uri = target.uriOverride;
  const enumOf = <T extends readonly string[]>(values: T, value: T[number]) => (enumsAsInt ? values.indexOf(value) : value);
  return {
    ...(uri
      ? {
          uriOverride: {
            ...(uri.scheme ? { scheme: enumOf(URI_SCHEMES, uri.scheme) } : {}),
            ...(uri.host ? { host: uri.host } : {}),
            ...(uri.port ? { port: String(uri.port) } : {}),
            ...(uri.path !== undefined ? { pathOverride: { path: uri.path } } : {}),
            ...(uri.query !== undefined ? { queryOverride: { queryParams: uri.query } } : {}),
            uriOverrideEnforceMode: enumOf(ENFORCE_MODES, uri.enforceMode),
          },
        }
      : {}),
    ...(target.httpMethod ? { httpMethod: enumOf(HTTP_METHODS, target.httpMethod) } : {}),
    ...(target.headerOverrides?.length ? { headerOverrides: target.headerOverrides.map((header) => ({ header })) } : {}),
    ...(target.oidcToken ? { oidcToken: target.oidcToken } : {}),
    ...(target.oauthToken ? { oauthToken: target.oauthToken } : {}),
  };
}

/** A task URL's parts replaced by the override's (all of them in ALWAYS mode, the missing ones in IF_NOT_EXISTS). */
export function overrideUrl(taskUrl: string, uri: UriOverride): string {
  const always = uri.enforceMode === 'ALWAYS';
  const url = new URL(taskUrl || 'https://placeholder.invalid/');
  const hadUrl = taskUrl !== '';
  if (uri.scheme && (always || !hadUrl)) url.protocol = uri.scheme === 'HTTP' ? 'http:' : 'https:';
  if (uri.host && (always || !hadUrl)) url.hostname = uri.host;
  if (uri.port && (always || !url.port)) url.port = String(uri.port);
  if (uri.path !== undefined && (always || url.pathname === '/' || url.pathname === '')) url.pathname = uri.path || '/';
  if (uri.query !== undefined && (always || !url.search)) url.search = uri.query;
  return url.toString();
}

/** What a task of this queue is dispatched as: the queue's routing applied over the task's own. */
export type DispatchedTask = TaskRecord & { oauthToken?: QueueHttpTarget['oauthToken'] };

export function applyQueueHttpTarget(task: TaskRecord, target: QueueHttpTarget | undefined): DispatchedTask {
  if (!target) return task;
  const headers = { ...task.headers };
  for (const { key, value } of target.headerOverrides ?? []) {
    for (const name of Object.keys(headers)) if (name.toLowerCase() === key.toLowerCase()) delete headers[name];
    headers[key] = value;
  }
  const token = target.oidcToken || target.oauthToken;
  return {
    ...task,
    url: target.uriOverride ? overrideUrl(task.url, target.uriOverride) : task.url,
    httpMethod: target.httpMethod ?? task.httpMethod,
    headers,
    // A queue-level token replaces the task's (and any Authorization header it set).
    ...(token ? { oidcToken: target.oidcToken, oauthToken: target.oauthToken } : {}),
  };
}
