/**
 * An ApiError as a gRPC status: the code Google pairs with its status name, Google's exact
 * message, and the google.rpc.Status with its details (Help links, the emulator's DebugInfo hint)
 * in `grpc-status-details-bin`, where google-gax reads them into `err.statusDetails`, as over REST.
 */
import type * as Grpc from '@grpc/grpc-js';
import type { GoogleErrorDetail } from '../../contract/google-errors.js';
import { ApiError } from '../api-error.js';

// Protobuf wire format, by hand: the four small messages here do not warrant a codec.
function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n > 0x7f) {
    bytes.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  bytes.push(n);
  return Buffer.from(bytes);
}
const field = (number: number, bytes: Buffer) => Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
const text = (number: number, value: string) => field(number, Buffer.from(value, 'utf8'));

function encodeDetail(detail: GoogleErrorDetail): Buffer | undefined {
  const type = detail['@type'];
  let value: Buffer;
  if (type.endsWith('google.rpc.Help')) {
    const links = (detail.links as { description: string; url: string }[]) ?? [];
    value = Buffer.concat(links.map((link) => field(1, Buffer.concat([text(1, link.description), text(2, link.url)]))));
  } else if (type.endsWith('google.rpc.DebugInfo')) value = text(2, String(detail.detail ?? ''));
  else return undefined;
  // google.protobuf.Any { type_url = 1; value = 2; }
  return field(3, Buffer.concat([text(1, type), field(2, value)]));
}

/** google.rpc.Status { code = 1; message = 2; details = 3 (Any) }. */
export function encodeRpcStatus(code: number, message: string, details: GoogleErrorDetail[]): Buffer {
  const parts = [Buffer.from([0x08]), varint(code), text(2, message)];
  for (const detail of details) {
    const encoded = encodeDetail(detail);
    if (encoded) parts.push(encoded);
  }
  return Buffer.concat(parts);
}

export function toGrpcError(grpc: typeof Grpc, error: unknown): Partial<Grpc.StatusObject> & Error {
  const api = ApiError.from(error);
  const code = grpc.status[api.status];
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin', encodeRpcStatus(code, api.message, api.details));
  return Object.assign(new Error(api.message), { code, details: api.message, metadata });
}
