/**
 * Errors the REST API answers with, in Google's envelope:
 * `{ "error": { "code": <HTTP status>, "message", "status": "NOT_FOUND" } }`.
 * google-gax maps the `status` string to its gRPC code (NOT_FOUND -> 5), so the real client
 * throws the same error it would against Cloud Tasks.
 */
export type ApiStatus =
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'RESOURCE_EXHAUSTED'
  | 'UNIMPLEMENTED'
  | 'INTERNAL';

const HTTP_STATUS: Record<ApiStatus, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
};

export class ApiError extends Error {
  override name = 'ApiError';
  readonly httpStatus: number;
  constructor(
    readonly status: ApiStatus,
    message: string,
  ) {
    super(message);
    this.httpStatus = HTTP_STATUS[status];
  }

  toJSON(): { error: { code: number; message: string; status: ApiStatus } } {
    return { error: { code: this.httpStatus, message: this.message, status: this.status } };
  }
}

export const invalidArgument = (message: string) => new ApiError('INVALID_ARGUMENT', message);
export const notFound = (message: string) => new ApiError('NOT_FOUND', message);
export const alreadyExists = (message: string) => new ApiError('ALREADY_EXISTS', message);
export const failedPrecondition = (message: string) => new ApiError('FAILED_PRECONDITION', message);
export const permissionDenied = (message: string) => new ApiError('PERMISSION_DENIED', message);
