/**
 * One HTTP attempt of a task, as Cloud Tasks makes it: the task's own headers, then the
 * X-CloudTasks-* headers and User-Agent (which a task cannot override), an OIDC token, and a
 * dispatch deadline after which the attempt counts as failed whatever the target does later.
 */
import http from 'node:http';
import https from 'node:https';
import { OUTCOME_HEADER } from '../contract/emulator.js';
import { writeTaskHeaders } from '../contract/task-headers.js';
import { shortId, type TaskRecord } from './model.js';
import type { OidcSigner } from './oidc-signer.js';

export interface AttemptResult {
  /** HTTP status; undefined when no answer came (deadline, refused connection). */
  status?: number;
  /** The app's x-deferred-outcome header, if any. */
  outcome?: string;
  /** First bytes of the answer, or what went wrong on the way. */
  detail: string;
  /** DEADLINE_EXCEEDED, CONNECTION_ERROR, or HTTP_<status> for X-CloudTasks-TaskRetryReason. */
  reason: string;
}

/** Headers Cloud Tasks sets itself; a task's own values for them are dropped. */
const RESERVED = /^(host|content-length|user-agent|authorization|x-cloudtasks-.*|x-google-.*|x-appengine-.*|connection|transfer-encoding)$/i;
const DETAIL_BYTES = 2048;

export function buildHeaders(task: TaskRecord, previous: { status?: number; reason?: string }, signer: OidcSigner, body: Buffer | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(task.headers)) if (!RESERVED.test(key)) headers[key] = value;
  const retry = task.dispatchCount > 1;
  Object.assign(
    headers,
    writeTaskHeaders({
      queueName: shortId(task.queue),
      taskName: shortId(task.name),
      // dispatchCount already includes this attempt.
      retryCount: task.dispatchCount - 1,
      executionCount: task.executionCount,
      eta: new Date(task.scheduleTimeMs),
      previousResponse: retry ? previous.status : undefined,
      retryReason: retry ? previous.reason || undefined : undefined,
    }),
    { 'Content-Length': String(body?.length ?? 0) },
  );
  if (task.oidcToken) {
    // As Google does: the audience defaults to the task's full URL.
    const audience = task.oidcToken.audience ?? task.url;
    headers.Authorization = `Bearer ${signer.sign(audience, task.oidcToken.serviceAccountEmail)}`;
  }
  return headers;
}

export interface AttemptHandle {
  done: Promise<AttemptResult>;
  /** Ends the attempt without a result (the emulator is stopping). */
  abort(): void;
}

/** One HTTP attempt; a cron run sends through here too (it has a URL, a method and a deadline). */
export function sendAttempt(task: Pick<TaskRecord, 'url' | 'httpMethod' | 'dispatchDeadlineSeconds'>, headers: Record<string, string>, body: Buffer | undefined, agents: { http: http.Agent; https: https.Agent }): AttemptHandle {
  const url = new URL(task.url);
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
      finish({ reason: 'DEADLINE_EXCEEDED', detail: `no complete answer within the dispatch deadline of ${task.dispatchDeadlineSeconds}s` });
      request?.destroy();
    }, task.dispatchDeadlineSeconds * 1000);
    request = client.request(url, { method: task.httpMethod, headers, agent: url.protocol === 'https:' ? agents.https : agents.http }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < DETAIL_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        const outcome = response.headers[OUTCOME_HEADER];
        finish({
          status,
          outcome: Array.isArray(outcome) ? outcome[0] : outcome,
          detail: Buffer.concat(chunks).subarray(0, DETAIL_BYTES).toString('utf8'),
          reason: `HTTP_${status}`,
        });
      });
      response.on('error', (error) => finish({ reason: 'CONNECTION_ERROR', detail: error.message }));
    });
    request.on('error', (error) => finish({ reason: 'CONNECTION_ERROR', detail: `${task.url}: ${error.message}` }));
    request.end(body);
  });
  return {
    done,
    abort: () => {
      finish({ reason: 'ABORTED', detail: 'the emulator stopped during the attempt' });
      request?.destroy();
    },
  };
}
