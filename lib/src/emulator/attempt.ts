/**
 * One HTTP attempt of a task, as Cloud Tasks makes it: the task's own headers, then the
 * X-CloudTasks-* headers and User-Agent (which a task cannot override), an OIDC token, and a
 * dispatch deadline after which the attempt counts as failed whatever the target does later.
 */
import http from 'node:http';
import https from 'node:https';
import { DEAD_LETTER_KEPT_HEADER, DEAD_LETTER_REASON_HEADER, OUTCOME_HEADER } from '../contract/outcomes.js';
import { isReplacedAtDispatch } from '../contract/http-headers.js';
import { attemptHeaders } from '../contract/cloud-tasks-behaviour.js';
import { writeTaskHeaders } from '../contract/task-headers.js';
import { shortId } from '../contract/names.js';
import type { TaskRecord } from './model.js';
import { emulatorOAuthToken, type OidcSigner } from './oidc-signer.js';
import type { DispatchedTask } from './queue-http-target.js';
import type { TargetPolicy } from './target-policy.js';

export interface AttemptResult {
  /** HTTP status; undefined when no answer came (deadline, refused connection). */
  status?: number;
  /** The app's x-deferred-outcome header, if any. */
  outcome?: string;
  /** The app's x-deferred-kept-as header: the dead task's name in a dead-letter queue. */
  keptAs?: string;
  /** The app's x-deferred-dead-reason header: why it dead-lettered the task (a DeadLetterReason). */
  deadReason?: string;
  /** The answer's Location header (a redirect). */
  location?: string;
  /** First bytes of the answer, or what went wrong on the way. */
  detail: string;
  /**
   * DEADLINE_EXCEEDED, CONNECTION_ERROR, or HTTP_<status>, for the dashboard and the logs (Cloud
   * Tasks' X-CloudTasks-TaskRetryReason is empty for HTTP targets); the emulator's own
   * TARGET_REFUSED (the target policy said no) and REQUEST_ERROR (the request could not be built,
   * e.g. a header value Node refuses).
   */
  reason: string;
}

const DETAIL_BYTES = 2048;
const ABORTED: AttemptResult = { reason: 'ABORTED', detail: 'the emulator stopped during the attempt' };

/** The attempt's headers; a promise, since the OIDC token is signed asynchronously (jose). */
export async function buildHeaders(
  task: DispatchedTask,
  previous: { status?: number; reason?: string },
  signer: OidcSigner,
  body: Buffer | undefined,
): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(task.headers)) if (!isReplacedAtDispatch(key)) headers[key] = value;
  Object.assign(
    headers,
    writeTaskHeaders(
      attemptHeaders({
        queueName: shortId(task.queue),
        taskName: shortId(task.name),
        // dispatchCount already includes this attempt.
        attemptsBefore: task.dispatchCount - 1,
        executionsBefore: task.executionCount,
        eta: new Date(task.scheduleTimeMs),
        previous: { status: previous.status, timedOut: previous.reason === 'DEADLINE_EXCEEDED' },
      }),
    ),
    { 'Content-Length': String(body?.length ?? 0) },
  );
  if (task.oidcToken) {
    // As Google does: the audience defaults to the task's full URL.
    const audience = task.oidcToken.audience ?? task.url;
    headers.Authorization = `Bearer ${await signer.sign(audience, task.oidcToken.serviceAccountEmail)}`;
  }
  // A queue-level OAuth token (httpTarget.oauthToken, never set with an OIDC one): the emulator's stand-in.
  if (task.oauthToken) headers.Authorization = `Bearer ${emulatorOAuthToken(task.oauthToken.serviceAccountEmail)}`;
  return headers;
}

export interface AttemptHandle {
  done: Promise<AttemptResult>;
  /** Ends the attempt without a result (the emulator is stopping). */
  abort(): void;
}

/** What a delivery needs besides the task: connection pools and the check of where it may go. */
export interface AttemptTransport {
  agents: { http: http.Agent; https: https.Agent };
  targets: TargetPolicy;
}

/**
 * Node's default: an agent keeps at most 256 idle keep-alive sockets per host and closes the rest.
 * A queue dispatches up to 1,000 attempts at once (Cloud Tasks' default max concurrent), so
 * with that default three in four sockets were closed after each answer and reopened for the
 * next round: 750 new TCP connections per 1,000 tasks, and dispatch flipped between ~2,600 and
 * ~5,000 tasks/s. Keeping as many idle sockets as attempts may be in flight reuses them all.
 */
const DEFAULT_IDLE_SOCKETS = 5000;

/**
 * Keep-alive connections to the targets `targets` allows; closeAttemptTransport ends them.
 * `concurrency`: how many attempts may be in flight at once (Cloud Tasks' maximum per queue,
 * 5,000), so that every socket a round of attempts opened stays open for the next round.
 */
export function createAttemptTransport(targets: TargetPolicy, concurrency = DEFAULT_IDLE_SOCKETS): AttemptTransport {
  const options = { keepAlive: true, maxFreeSockets: concurrency };
  return { agents: { http: new http.Agent(options), https: new https.Agent(options) }, targets };
}

export function closeAttemptTransport(transport: AttemptTransport): void {
  transport.agents.http.destroy();
  transport.agents.https.destroy();
}

/** An attempt that failed before any byte went out (a refused target, a request Node cannot build). */
export function failedAttempt(reason: string, detail: string): AttemptHandle {
  return { done: Promise.resolve({ reason, detail }), abort: () => {} };
}

/**
 * Sends one attempt. Never throws and `done` never rejects: whatever goes wrong (a target the
 * policy refuses, a header value Node will not send, headers that could not be built or signed,
 * a socket error) is this attempt's result.
 */
export function sendAttempt(
  // A cron run sends through here too: it has a URL, a method and a deadline.
  task: Pick<TaskRecord, 'url' | 'httpMethod' | 'dispatchDeadlineSeconds'>,
  headers: Record<string, string> | Promise<Record<string, string>>,
  body: Buffer | undefined,
  transport: AttemptTransport,
): AttemptHandle {
  if (headers instanceof Promise) return once(headers, (ready) => sendAttempt(task, ready, body, transport));
  let url: URL;
  try {
    url = new URL(task.url);
  } catch {
    return failedAttempt('REQUEST_ERROR', `the task's URL ${JSON.stringify(task.url.slice(0, 200))} is not a valid URL`);
  }
  // Checked again at each delivery: the task may predate the policy, or the allowed hosts changed.
  const refused = transport.targets.refuseUrl(url);
  if (refused) return failedAttempt('TARGET_REFUSED', `refused to send: ${refused}`);
  const client = url.protocol === 'https:' ? https : http;
  let request: http.ClientRequest | undefined;
  let finish: (result: AttemptResult) => void = () => {};
  const done = new Promise<AttemptResult>((resolve) => {
    let settled = false;
    finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(result);
    };
    const deadline = setTimeout(() => {
      finish({
        reason: 'DEADLINE_EXCEEDED',
        detail: `no complete answer within the dispatch deadline of ${task.dispatchDeadlineSeconds}s`,
      });
      request?.destroy();
    }, task.dispatchDeadlineSeconds * 1000);
    const onResponse = (response: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < DETAIL_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
        finish({
          status,
          outcome: first(response.headers[OUTCOME_HEADER]),
          keptAs: first(response.headers[DEAD_LETTER_KEPT_HEADER]),
          deadReason: first(response.headers[DEAD_LETTER_REASON_HEADER]),
          location: first(response.headers.location),
          detail: Buffer.concat(chunks).subarray(0, DETAIL_BYTES).toString('utf8'),
          reason: `HTTP_${status}`,
        });
      });
      response.on('error', (error) => finish({ reason: 'CONNECTION_ERROR', detail: error.message }));
    };
    try {
      const agent = url.protocol === 'https:' ? transport.agents.https : transport.agents.http;
      // The policy's lookup resolves the name, checks every address, and connects to a checked one.
      request = client.request(url, { method: task.httpMethod, headers, agent, lookup: transport.targets.lookup as never }, onResponse);
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ERR_TARGET_REFUSED') {
          finish({ reason: 'TARGET_REFUSED', detail: `refused to send to ${task.url}: ${error.message}` });
        } else finish({ reason: 'CONNECTION_ERROR', detail: `${task.url}: ${error.message}` });
      });
      request.end(body);
    } catch (error) {
      // E.g. ERR_INVALID_CHAR for a header value stored before CreateTask checked them.
      const { code, message } = error as NodeJS.ErrnoException;
      finish({ reason: 'REQUEST_ERROR', detail: `the request could not be sent${code ? ` (${code})` : ''}: ${message}` });
      request?.destroy();
    }
  });
  return {
    done,
    abort: () => {
      finish(ABORTED);
      request?.destroy();
    },
  };
}

/** The attempt `send` makes once `headers` are ready; aborted before, it sends nothing. */
function once(headers: Promise<Record<string, string>>, send: (ready: Record<string, string>) => AttemptHandle): AttemptHandle {
  let aborted = false;
  let sent: AttemptHandle | undefined;
  const done = headers.then(
    (ready): Promise<AttemptResult> | AttemptResult => {
      if (aborted) return ABORTED;
      sent = send(ready);
      return sent.done;
    },
    (error: unknown): AttemptResult => ({
      reason: 'REQUEST_ERROR',
      detail: `the request could not be built: ${(error as Error)?.message ?? String(error)}`,
    }),
  );
  return {
    done,
    abort: () => {
      aborted = true;
      sent?.abort();
    },
  };
}
