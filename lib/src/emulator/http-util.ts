/** Small node:http helpers shared by the REST API, the certs endpoints and the dashboard. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, invalidArgument } from './api-error.js';
import type { JsonObject } from '../contract/proto-json.js';

/** Reads the whole body, refusing more than `limit` bytes before buffering them. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw invalidArgument(`Request body is over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readJson(req: IncomingMessage, limit: number): Promise<JsonObject> {
  const body = await readBody(req, limit);
  if (body.length === 0) return {};
  try {
    const value = JSON.parse(body.toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value;
  } catch (error) {
    throw invalidArgument(`Invalid JSON payload received: ${(error as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendError(res: ServerResponse, error: unknown): void {
  const apiError = ApiError.from(error);
  sendJson(res, apiError.httpStatus, apiError.toJSON());
}

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams((await readBody(req, 64 * 1024)).toString('utf8'));
}
