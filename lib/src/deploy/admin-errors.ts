/**
 * A failed call to Google's admin API turned into an error that names the cause and what to do:
 * the API to enable, the IAM role to grant, the flag to check. The causes are the same for Cloud
 * Tasks and Cloud Scheduler; each API gives its own words for them (its ApiHints).
 */
import { isRpcCode, readGoogleApiError, RPC_CODE } from '../contract/google-errors.js';
import type { ApiCallErrorClass, GoogleApiCallError } from './errors.js';

export interface ApiCallContext {
  operation: string;
  project: string;
  location: string;
  /** Where the calls go, for "cannot reach" messages. */
  endpoint: string;
}

/** One API's words for each cause. */
export interface ApiHints {
  /** 'Cloud Tasks' */
  api: string;
  /** The service to enable: 'cloudtasks.googleapis.com'. */
  serviceName: string;
  /** Which IAM roles to grant, after "Permission denied (project P, location L): "; `detail` is Google's message. */
  permissionDenied(detail: string): string;
  /** What to do when calls stay rate-limited (HTTP 429) after the retries. */
  rateLimited: string;
  /** The variable that names the location, and what a location is: for 404s. */
  locationVariable: string;
  region: string;
  alreadyExists: string;
  /** What refused a setting: "this queue's entry in queue.yaml (npx next-cloud-tasks queues validate)". */
  invalidEntry: string;
  /** Appended to the "cannot reach" hint (the emulator's variable). */
  unreachableExtra?: string;
  /** Appended to the credentials hint (another way to run without them). */
  credentialsExtra?: string;
}

const AUTHENTICATE =
  'locally run `gcloud auth application-default login`; in GitHub Actions run google-github-actions/auth before this step';

export function isRateLimited(err: unknown): boolean {
  return isRpcCode(readGoogleApiError(err), RPC_CODE.RESOURCE_EXHAUSTED);
}

/** What to do about `err`, in `hints`' words; '' when nothing better than Google's message can be said. */
function hintFor(err: unknown, ctx: ApiCallContext, hints: ApiHints): string {
  const google = readGoogleApiError(err);
  const is = (rpc: number) => isRpcCode(google, rpc);
  const where = `project ${ctx.project}, location ${ctx.location}`;
  if (google.reason === 'SERVICE_DISABLED' || /has not been used|is disabled/i.test(google.message))
    return `The ${hints.api} API is not enabled in ${ctx.project}: gcloud services enable ${hints.serviceName} --project ${ctx.project}`;
  if (is(RPC_CODE.PERMISSION_DENIED)) return `Permission denied (${where}): ${hints.permissionDenied(google.message)}`;
  if (is(RPC_CODE.UNAUTHENTICATED) || /default credentials/i.test(google.message))
    return `No valid Application Default Credentials: ${AUTHENTICATE}.`;
  if (is(RPC_CODE.RESOURCE_EXHAUSTED)) return hints.rateLimited;
  if (is(RPC_CODE.NOT_FOUND))
    return `Not found (${where}): check --project / GOOGLE_CLOUD_PROJECT and --location / ${hints.locationVariable} (${hints.region}).`;
  if (is(RPC_CODE.ALREADY_EXISTS)) return hints.alreadyExists;
  if (is(RPC_CODE.INVALID_ARGUMENT)) return `${hints.api} refused a setting: check ${hints.invalidEntry}.`;
  if (google.code === RPC_CODE.UNAVAILABLE || /ECONNREFUSED|ENOTFOUND|fetch failed/i.test(google.message))
    return `Cannot reach ${hints.api} at ${ctx.endpoint}: check the network${hints.unreachableExtra ?? ''}.`;
  return '';
}

/** Turns a client error into the deploy's API error (`ErrorClass`), naming the operation, the cause and what to do. */
export function toApiCallError(err: unknown, ctx: ApiCallContext, hints: ApiHints, ErrorClass: ApiCallErrorClass): GoogleApiCallError {
  const { code, httpStatus, message } = readGoogleApiError(err);
  return new ErrorClass(ctx.operation, code, httpStatus, hintFor(err, ctx, hints), message, { cause: err });
}

/** The error for missing Application Default Credentials, found before any call is made. */
export function credentialsError(hints: ApiHints, ErrorClass: ApiCallErrorClass) {
  return (detail: string, cause: unknown): GoogleApiCallError =>
    new ErrorClass(
      'load Application Default Credentials',
      RPC_CODE.UNAUTHENTICATED,
      undefined,
      `No usable Application Default Credentials: ${AUTHENTICATE} (see node_modules/next-cloud-tasks/docs/queues-ci.md)${hints.credentialsExtra ?? ''}.`,
      detail,
      { cause },
    );
}
