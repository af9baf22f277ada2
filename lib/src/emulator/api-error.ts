/**
 * Errors the REST API answers with, in Google's envelope (contract/google-errors.ts), so the
 * real client throws the same error it would against Cloud Tasks. Where Cloud Tasks has a
 * recorded message (contract/cloud-tasks-messages.ts), `message` is Google's, word for word,
 * and the emulator's own hint (which name, which flag) travels in a google.rpc.DebugInfo detail.
 */
import { errorDetails, type CloudTasksErrorText } from '../contract/cloud-tasks-messages.js';
import { API_STATUS_HTTP, googleErrorBody, type ApiStatus, type GoogleErrorDetail } from '../contract/google-errors.js';

export type { ApiStatus };

export class ApiError extends Error {
  override name = 'ApiError';
  readonly httpStatus: number;
  constructor(
    readonly status: ApiStatus,
    message: string,
    /** google.rpc details: Google's Help link, the emulator's hint. */
    readonly details: GoogleErrorDetail[] = [],
  ) {
    super(message);
    this.httpStatus = API_STATUS_HTTP[status];
  }

  /** The emulator's hint, if the error carries one. */
  get hint(): string | undefined {
    const debug = this.details.find((detail) => detail['@type'].endsWith('google.rpc.DebugInfo'));
    return debug ? String(debug.detail) : undefined;
  }

  toJSON(): ReturnType<typeof googleErrorBody> {
    return googleErrorBody(this.status, this.message, this.details);
  }

  /** The error as an ApiError: itself, or INTERNAL for any other error (a bug of the emulator's). */
  static from(error: unknown): ApiError {
    return error instanceof ApiError
      ? error
      : new ApiError('INTERNAL', `Internal error in the emulator: ${(error as Error)?.message ?? String(error)}`);
  }
}

/** Google's recorded error, with the emulator's hint in its details. */
export function cloudTasksError(text: CloudTasksErrorText, hint?: string): ApiError {
  return new ApiError(text.status, text.message, errorDetails(text, hint));
}

export const invalidArgument = (message: string) => new ApiError('INVALID_ARGUMENT', message);
export const notFound = (message: string) => new ApiError('NOT_FOUND', message);
export const failedPrecondition = (message: string) => new ApiError('FAILED_PRECONDITION', message);
export const permissionDenied = (message: string) => new ApiError('PERMISSION_DENIED', message);
