/**
 * Errors from Google's client libraries, read one way: google-gax 6 gives the gRPC `code` (and
 * `httpStatusCode` in REST mode), gax 5 (tasks 6.x) an HTTP status in `code`. The enqueue path and
 * the queue CLI both turn these into errors that say what to do.
 */

/** google.rpc.Code values the adapter acts on. */
export const RPC_CODE = {
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** The HTTP status Google's REST API pairs with each of those codes. */
const HTTP_STATUS_OF: Record<number, number> = {
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 400,
  12: 501,
  14: 503,
  16: 401,
};

export interface GoogleApiError {
  /** The gRPC code, when the error has one. */
  code?: number;
  /** The HTTP status, when the error has one. */
  httpStatus?: number;
  /** google.rpc.ErrorInfo's reason, e.g. SERVICE_DISABLED. */
  reason?: string;
  /** The first line of the error's message. */
  message: string;
}

/** What a client error says, whichever generation of google-gax threw it. */
export function readGoogleApiError(error: unknown): GoogleApiError {
  const { code, httpStatusCode, reason, message } = (error ?? {}) as {
    code?: unknown;
    httpStatusCode?: unknown;
    reason?: unknown;
    message?: unknown;
  };
  const numeric = typeof code === 'number' ? code : undefined;
  return {
    code: numeric !== undefined && numeric < 100 ? numeric : undefined,
    httpStatus: typeof httpStatusCode === 'number' ? httpStatusCode : numeric !== undefined && numeric >= 100 ? numeric : undefined,
    reason: typeof reason === 'string' ? reason : undefined,
    message: String(message ?? error).split('\n')[0],
  };
}

/** Whether the error is `code` (by its gRPC code or by the HTTP status Google pairs with it). */
export function isRpcCode(error: GoogleApiError, code: number): boolean {
  return error.code === code || (error.code === undefined && error.httpStatus === HTTP_STATUS_OF[code]);
}

/** The canonical status names Google's REST APIs put in an error body, with their HTTP statuses. */
export const API_STATUS_HTTP = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
} as const;
export type ApiStatus = keyof typeof API_STATUS_HTTP;

/** A google.rpc detail in an error body (Help, DebugInfo, ...), tagged with its `@type`. */
export type GoogleErrorDetail = { '@type': string } & Record<string, unknown>;

/** google.rpc.Help, as Google attaches to some INVALID_ARGUMENT errors (a link to the field's definition). */
export const helpDetail = (links: { description: string; url: string }[]): GoogleErrorDetail => ({
  '@type': 'type.googleapis.com/google.rpc.Help',
  links,
});

/** google.rpc.DebugInfo: where a stand-in puts its own hint, so `message` stays Google's exact text. */
export const debugInfoDetail = (detail: string): GoogleErrorDetail => ({ '@type': 'type.googleapis.com/google.rpc.DebugInfo', detail });

/**
 * Google's JSON error envelope, `{ "error": { "code": <HTTP status>, "message", "status", "details"? } }`:
 * google-gax maps `status` to its gRPC code (NOT_FOUND -> 5), so a client throws against a
 * stand-in (the emulator, the stub's REST handlers) the error it would against Cloud Tasks.
 */
export function googleErrorBody(
  status: ApiStatus,
  message: string,
  details?: GoogleErrorDetail[],
): { error: { code: number; message: string; status: ApiStatus; details?: GoogleErrorDetail[] } } {
  return { error: { code: API_STATUS_HTTP[status], message, status, ...(details?.length ? { details } : {}) } };
}
