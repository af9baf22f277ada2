/**
 * The few Cloud Storage JSON API calls the adapter's payload offload makes, served on the
 * emulator's port under Google's own paths (`/storage/v1`, `/upload/storage/v1`), so
 * `@google-cloud/storage` with STORAGE_EMULATOR_HOST=http://HOST:PORT/storage/v1 works unchanged: upload (`uploadType=media` or `multipart`), metadata and
 * download (`alt=media`), delete, and listing a bucket's objects (names and sizes: what a test or
 * a developer checks). Anything else answers 501 with what is supported.
 *
 * Writes need a content type a web page cannot send without a CORS preflight (multipart/related,
 * application/octet-stream... anything but a form's), which the emulator never grants; DELETE
 * always needs one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, invalidArgument, notFound } from '../api-error.js';
import { readBody, sendError, sendJson } from '../http-util.js';
import { mediaType } from '../request-guard.js';
import { objectResource, type ObjectStore } from './object-store.js';

/** The biggest object the stand-in takes: the adapter's offloaded envelopes are far smaller. */
const MAX_OBJECT_BYTES = 64 * 1024 * 1024;
const OBJECT_PATH = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/;
const UPLOAD_PATH = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/;
const LIST_PATH = /^\/storage\/v1\/b\/([^/]+)\/o$/;
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain', '']);

/** A multipart/related body: the JSON metadata part, then the media part. */
function parseMultipart(body: Buffer, contentType: string): { metadata: Record<string, unknown>; data: Buffer; type: string } {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw invalidArgument('multipart upload without a boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next < 0) break;
    parts.push(body.subarray(at + delimiter.length, next));
    at = next;
  }
  const [meta, media] = parts.map((part) => {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) throw invalidArgument('multipart part without headers');
    const head = part.subarray(0, split).toString('latin1');
    // Each part ends with the CRLF before the next delimiter.
    const content = part.subarray(split + 4, part.length - 2);
    return { type: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? 'application/octet-stream', content };
  });
  if (!meta || !media) throw invalidArgument('multipart upload needs a metadata part and a media part');
  let metadata: Record<string, unknown>;
  try {
    metadata = JSON.parse(meta.content.toString('utf8'));
  } catch {
    throw invalidArgument('the metadata part of a multipart upload is not JSON');
  }
  return { metadata, data: media.content, type: media.type };
}

async function upload(req: IncomingMessage, res: ServerResponse, objects: ObjectStore, bucket: string, url: URL): Promise<void> {
  const type = req.headers['content-type'];
  if (FORM_TYPES.has(mediaType(type))) throw invalidArgument(`an upload must not be sent as ${JSON.stringify(type ?? '')}`);
  const uploadType = url.searchParams.get('uploadType');
  const body = await readBody(req, MAX_OBJECT_BYTES);
  let name = url.searchParams.get('name') ?? undefined;
  let data = body;
  let contentType = mediaType(type);
  if (uploadType === 'multipart') {
    const parsed = parseMultipart(body, type ?? '');
    name = typeof parsed.metadata.name === 'string' ? parsed.metadata.name : name;
    data = parsed.data;
    contentType = typeof parsed.metadata.contentType === 'string' ? parsed.metadata.contentType : parsed.type;
  } else if (uploadType !== 'media') {
    throw new ApiError('UNIMPLEMENTED', `uploadType=${uploadType} is not served by the emulator: upload with { resumable: false }`);
  }
  if (!name) throw invalidArgument('an upload needs the object name');
  sendJson(res, 200, objectResource(objects.put(bucket, name, data, contentType)));
}

/** Serves the request if it is a Cloud Storage call; false when it is not one. */
export function createStorageApi(objects: ObjectStore) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    // With STORAGE_EMULATOR_HOST=http://HOST:PORT/storage/v1 the client puts uploads under it too.
    const pathname = url.pathname.replace(/^\/storage\/v1(?=\/upload\/storage\/v1\/)/, '');
    if (!pathname.startsWith('/storage/v1/') && !pathname.startsWith('/upload/storage/v1/')) return false;
    try {
      const uploadTarget = UPLOAD_PATH.exec(pathname);
      if (uploadTarget && req.method === 'POST') {
        await upload(req, res, objects, decodeURIComponent(uploadTarget[1]), url);
        return true;
      }
      const listTarget = LIST_PATH.exec(pathname);
      if (listTarget && req.method === 'GET') {
        const bucket = decodeURIComponent(listTarget[1]);
        const listed = objects.list(bucket, url.searchParams.get('prefix') ?? '');
        // One page: the stand-in holds a developer's offloaded envelopes, not a bucket's millions.
        const items = listed.map(({ name, size }) => ({ kind: 'storage#object', bucket, name, size: String(size) }));
        sendJson(res, 200, { kind: 'storage#objects', items });
        return true;
      }
      const target = OBJECT_PATH.exec(pathname);
      if (!target)
        throw new ApiError('UNIMPLEMENTED', `${req.method} ${pathname}: the emulator serves object upload, get, list and delete only`);
      const [bucket, name] = [decodeURIComponent(target[1]), decodeURIComponent(target[2])];
      if (req.method === 'DELETE') {
        if (!objects.delete(bucket, name)) throw notFound(`No such object: ${bucket}/${name}`);
        res.writeHead(204).end();
        return true;
      }
      if (req.method !== 'GET') throw new ApiError('UNIMPLEMENTED', `${req.method} ${pathname} is not served by the emulator`);
      const object = objects.get(bucket, name);
      if (!object) throw notFound(`No such object: ${bucket}/${name}`);
      if (url.searchParams.get('alt') !== 'media') {
        sendJson(res, 200, objectResource(object));
        return true;
      }
      const resource = objectResource(object);
      res.writeHead(200, {
        'content-type': object.contentType,
        'content-length': object.data.length,
        'x-goog-hash': `crc32c=${resource.crc32c},md5=${resource.md5Hash}`,
        'x-goog-generation': resource.generation,
      });
      res.end(object.data);
    } catch (error) {
      sendError(res, error);
    }
    return true;
  };
}
