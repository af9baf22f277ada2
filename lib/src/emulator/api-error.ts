/**
 * Errors the REST API answers with, in Google's envelope (contract/google-errors.ts), so the
 * real client throws the same error it would against Cloud Tasks.
 */
import { API_STATUS_HTTP, googleErrorBody, type ApiStatus } from '../contract/google-errors.js';

export type { ApiStatus };

export class ApiError extends Error {
  override name = 'ApiError';
  readonly httpStatus: number;
  constructor(
    readonly status: ApiStatus,
    message: string,
  ) {
    super(message);
    this.httpStatus = API_STATUS_HTTP[status];
  }

  toJSON(): ReturnType<typeof googleErrorBody> {
    return googleErrorBody(this.status, this.message);
  }
}

export const invalidArgument = (message: string) => new ApiError('INVALID_ARGUMENT', message);
export const notFound = (message: string) => new ApiError('NOT_FOUND', message);
export const alreadyExists = (message: string) => new ApiError('ALREADY_EXISTS', message);
export const failedPrecondition = (message: string) => new ApiError('FAILED_PRECONDITION', message);
export const permissionDenied = (message: string) => new ApiError('PERMISSION_DENIED', message);
