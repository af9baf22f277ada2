/**
 * google.rpc.Code for an HTTP status, as Cloud Tasks fills Attempt.responseStatus
 * (the mapping of google/rpc/code.proto).
 */
export function rpcCodeForHttpStatus(status: number | undefined): number {
  if (status === undefined) return 4; // DEADLINE_EXCEEDED or no answer at all
  if (status >= 200 && status < 300) return 0;
  const exact: Record<number, number> = {
    400: 3,
    401: 16,
    403: 7,
    404: 5,
    409: 10,
    412: 9,
    416: 11,
    429: 8,
    499: 1,
    500: 13,
    501: 12,
    503: 14,
    504: 4,
  };
  if (exact[status] !== undefined) return exact[status];
  if (status >= 400 && status < 500) return 9;
  return 2; // UNKNOWN
}
